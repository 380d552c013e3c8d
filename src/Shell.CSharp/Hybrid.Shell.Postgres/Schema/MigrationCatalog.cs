using System.Reflection;
using System.Text.RegularExpressions;

namespace Hybrid.Shell.Postgres.Schema;

/// <summary>
/// The SQL files embedded from <c>Migrations/</c>: <c>before/</c> (roles, schema and history table, idempotent, run
/// on every migration), the numbered migrations <c>NNNN-description/</c>, each applied once, and <c>after/</c> (the
/// owner takes every object, idempotent). Within a folder files run in the order of their <c>NN-</c> prefixes;
/// migrations are numbered 1, 2, 3… without gaps.
/// </summary>
internal static partial class MigrationCatalog
{
    private const string Prefix = "Hybrid.Migrations/";

    private static readonly Lazy<(SqlFile[] Before, Migration[] All, SqlFile[] After)> Loaded = new(Load);

    /// <summary>Idempotent set-up run before the migrations every time.</summary>
    public static IReadOnlyList<SqlFile> Before => Loaded.Value.Before;

    /// <summary>Every migration, by version.</summary>
    public static IReadOnlyList<Migration> All => Loaded.Value.All;

    /// <summary>Idempotent clean-up run after the migrations every time.</summary>
    public static IReadOnlyList<SqlFile> After => Loaded.Value.After;

    private static (SqlFile[], Migration[], SqlFile[]) Load()
    {
        var assembly = typeof(MigrationCatalog).Assembly;
        var files = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => new SqlFile(n[Prefix.Length..].Replace('\\', '/'), Read(assembly, n)))
            .OrderBy(f => f.Path, StringComparer.Ordinal)
            .ToList();
        foreach (var file in files)
            if (!FilePattern().IsMatch(file.Path))
                throw new InvalidOperationException($"Migration file '{file.Path}' is not named folder/NN-kind-name.sql.");
        var before = files.Where(f => f.Path.StartsWith("before/", StringComparison.Ordinal)).ToArray();
        var after = files.Where(f => f.Path.StartsWith("after/", StringComparison.Ordinal)).ToArray();
        var migrations = files.Except(before).Except(after)
            .GroupBy(f => f.Path[..f.Path.IndexOf('/')])
            .Select(g => FolderPattern().Match(g.Key) is { Success: true } m
                ? new Migration(int.Parse(m.Groups[1].Value), m.Groups[2].Value.Replace('-', ' '), g.ToArray())
                : throw new InvalidOperationException($"Migration folder '{g.Key}' is not named NNNN-description."))
            .OrderBy(m => m.Version)
            .ToArray();
        for (var i = 0; i < migrations.Length; i++)
            if (migrations[i].Version != i + 1)
                throw new InvalidOperationException($"Migration {i + 1} is missing: versions must run 1, 2, 3… without gaps.");
        return (before, migrations, after);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n");
    }

    [GeneratedRegex(@"^[a-z0-9-]+/\d{2}-[a-z0-9-]+\.sql$")]
    private static partial Regex FilePattern();

    [GeneratedRegex(@"^(\d{4})-([a-z0-9-]+)$")]
    private static partial Regex FolderPattern();
}
