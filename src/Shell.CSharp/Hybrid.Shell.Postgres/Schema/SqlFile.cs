namespace Hybrid.Shell.Postgres.Schema;

/// <summary>One embedded SQL file, by its path under <c>Migrations/</c> (e.g. <c>0001-initial-schema/02-table-events.sql</c>).</summary>
internal sealed record SqlFile(string Path, string Text);
