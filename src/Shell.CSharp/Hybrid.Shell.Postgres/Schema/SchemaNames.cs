namespace Hybrid.Shell.Postgres.Schema;

/// <summary>The names the SQL files leave open: <c>{schema}</c> and <c>{app}</c>.</summary>
internal sealed record SchemaNames(string Schema, string ApplicationRole)
{
    public string Render(string sql) => sql.Replace("{schema}", Schema).Replace("{app}", ApplicationRole);

    /// <summary>The key of the session advisory lock migrations of this schema run under.</summary>
    public string LockKey => $"hybrid.migrations:{Schema}";
}
