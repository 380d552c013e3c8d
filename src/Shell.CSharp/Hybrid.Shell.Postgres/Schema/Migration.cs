namespace Hybrid.Shell.Postgres.Schema;

/// <summary>One versioned schema change. <c>{schema}</c> and <c>{app}</c> in the SQL name the schema and application role.</summary>
internal sealed record Migration(int Version, string Description, string Sql)
{
    public string Render(string schema, string appRole) => Sql.Replace("{schema}", schema).Replace("{app}", appRole);
}
