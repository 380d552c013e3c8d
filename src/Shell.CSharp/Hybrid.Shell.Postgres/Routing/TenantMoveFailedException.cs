namespace Hybrid.Shell.Postgres.Routing;

/// <summary>A move was rolled back: the copy did not verify. The tenant still lives in its old database and writes again.</summary>
public sealed class TenantMoveFailedException(string message) : InvalidOperationException(message);
