// One open connection per simulated client, so raw baselines pay no pool overhead.
using Npgsql;

namespace Hybrid.Bench.Postgres;

/// <summary>A set of open connections, one per client.</summary>
public sealed class RawClients : IAsyncDisposable
{
    private RawClients(NpgsqlConnection[] connections) => Connections = connections;

    /// <summary>The connection of each client.</summary>
    public NpgsqlConnection[] Connections { get; }

    /// <summary>Opens one connection per client.</summary>
    public static async Task<RawClients> OpenAsync(NpgsqlDataSource db, int clients)
    {
        var opening = Enumerable.Range(0, clients).Select(_ => db.OpenConnectionAsync().AsTask()).ToArray();
        return new RawClients(await Task.WhenAll(opening));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var c in Connections) await c.DisposeAsync();
    }
}
