namespace Hybrid.Sample.Host;

/// <summary>What an `ops` command operates on: the embedded store (DIR) or PostgreSQL, and optionally the broker of the handlers' producer.</summary>
internal sealed record OpsStores(string? Data, string? Postgres, string? AppPassword, string? Nats);
