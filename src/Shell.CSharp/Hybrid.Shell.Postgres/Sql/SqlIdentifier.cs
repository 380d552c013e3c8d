using System.Text.RegularExpressions;

namespace Hybrid.Shell.Postgres.Sql;

/// <summary>Schema and role names are written into SQL text, so they must be plain lower-case identifiers.</summary>
internal static partial class SqlIdentifier
{
    /// <summary>Throws an <see cref="ArgumentException"/> naming the option when the value is not a plain identifier.</summary>
    public static string Require(string value, string name)
    {
        if (string.IsNullOrEmpty(value) || !Pattern().IsMatch(value))
            throw new ArgumentException($"{name} '{value}' must be a lower-case SQL identifier (a-z, 0-9, _; 63 characters at most).", name);
        return value;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex Pattern();
}
