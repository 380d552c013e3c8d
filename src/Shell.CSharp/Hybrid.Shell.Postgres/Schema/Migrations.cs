namespace Hybrid.Shell.Postgres.Schema;

/// <summary>Every migration, in the order they are applied. Append new ones; never edit an applied one.</summary>
internal static class Migrations
{
    public static readonly Migration[] All =
    [
        new(1, "tables, indexes, application role and row-level security", M001InitialSchema.Sql),
        new(2, "filtered reads through the GIN index under row-level security", M002MatchingPositions.Sql),
        new(3, "type-only filters through a (tenant, type, position) index, one ordered branch per type", M003TypeBranches.Sql),
        new(4, "the tenant catalogue: registered tenants, events or not", M004TenantCatalogue.Sql),
    ];
}
