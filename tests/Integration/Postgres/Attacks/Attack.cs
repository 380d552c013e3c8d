namespace Hybrid.Tests.Integration.Postgres.Attacks;

/// <summary>How the database must refuse an attack.</summary>
public enum Refusal
{
    /// <summary>An error with one of the attack's SQLSTATEs (42501 insufficient privilege by default).</summary>
    Error,

    /// <summary>The statement runs but returns and changes no row (row-level security hides the target).</summary>
    NoRows,

    /// <summary>The statement runs (a function that answers with nothing) and changes nothing.</summary>
    NoEffect,
}

/// <summary>One attempt on the database, and the refusal it must meet. <c>{mine}</c> and <c>{theirs}</c> name the tenants.</summary>
public sealed record Attack(string Name, string Sql, Refusal Refusal = Refusal.Error, params string[] SqlStates)
{
    /// <summary>The SQLSTATEs accepted for an <see cref="Refusal.Error"/>.</summary>
    public IReadOnlyList<string> Accepted => SqlStates.Length > 0 ? SqlStates : ["42501"];

    /// <summary>Refused by privileges: an error 42501.</summary>
    public static Attack Denied(string name, string sql) => new(name, sql);

    /// <summary>Refused as invalid (22023) or by another SQLSTATE.</summary>
    public static Attack Rejected(string name, string sql, string sqlState) => new(name, sql, Refusal.Error, sqlState);

    /// <summary>Runs but finds no row.</summary>
    public static Attack Hidden(string name, string sql) => new(name, sql, Refusal.NoRows);

    /// <summary>Runs but does nothing.</summary>
    public static Attack Ignored(string name, string sql) => new(name, sql, Refusal.NoEffect);

    /// <inheritdoc />
    public override string ToString() => Name;
}
