using Hybrid.Shell.Postgres.Sql;

namespace Hybrid.Shell.Postgres;

/// <summary>
/// The schema and the three roles the migrations create and grant: the owner (owns every object; the SECURITY DEFINER
/// functions run as it; it cannot log in), the application (logs in; reads and writes its transaction's tenant only,
/// through row-level security and a few functions) and reporting (for operators: reads every tenant, writes nothing;
/// cannot log in: grant it to an operator's login). The migrations themselves run as a superuser or a member of the owner.
/// </summary>
public sealed record PostgresSchemaNames(
    string Schema = "hybrid",
    string ApplicationRole = "hybrid_app",
    string ReportingRole = "hybrid_reporting",
    string OwnerRole = "hybrid_owner")
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the first name that is not a plain lower-case identifier, or a role named twice.</summary>
    public PostgresSchemaNames Validate()
    {
        SqlIdentifier.Require(Schema, nameof(Schema));
        SqlIdentifier.Require(ApplicationRole, nameof(ApplicationRole));
        SqlIdentifier.Require(ReportingRole, nameof(ReportingRole));
        SqlIdentifier.Require(OwnerRole, nameof(OwnerRole));
        if (new[] { ApplicationRole, ReportingRole, OwnerRole }.Distinct().Count() < 3)
            throw new ArgumentException($"The application, reporting and owner roles must be three roles, not '{ApplicationRole}', '{ReportingRole}' and '{OwnerRole}'.");
        return this;
    }

    /// <summary>The SQL of a migration file with its names filled in.</summary>
    internal string Render(string sql) => sql
        .Replace("{schema}", Schema).Replace("{app}", ApplicationRole).Replace("{reporting}", ReportingRole).Replace("{owner}", OwnerRole);

    /// <summary>The key of the session advisory lock migrations of this schema run under.</summary>
    internal string LockKey => $"hybrid.migrations:{Schema}";
}
