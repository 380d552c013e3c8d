namespace Hybrid.Testing.Postgres;

/// <summary>How a <see cref="PrivatePostgresCluster"/> is configured.</summary>
/// <param name="Durable">
/// True (the default) keeps fsync and synchronous commit on, so timings resemble a real server; false turns them
/// off for faster tests that do not measure anything.
/// </param>
/// <param name="MaxConnections">The server's max_connections (200 by default, enough for 64-client benchmarks and pools).</param>
public sealed record PrivatePostgresClusterOptions(bool Durable = true, int MaxConnections = 200)
{
    /// <summary>Extra server settings passed as <c>-c name=value</c> (values without spaces).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();
}
