using System.Collections.Concurrent;

namespace Hybrid.Shell.Commands;

/// <summary>What a node knows of a tenant's aggregate type: its migration status and the position it was read at.</summary>
/// <param name="Status">The latest marker's status.</param>
/// <param name="Position">The log position the status holds at: the command's append fails if a marker appears after it.</param>
public sealed record AggregateShape(MigrationStatus Status, long Position);

/// <summary>
/// Where each tenant's aggregate types stand in their live migrations, read from the markers in the store, so every
/// node and process agrees. A node keeps what it read; a command appends under the condition that no marker appeared
/// after that position (<see cref="AggregateMigrationModule.unchangedSince"/>), so a stale entry can only cost a retry,
/// never a write against the old shape. While a migration runs, commands wait on the clock, polling the markers.
/// </summary>
public sealed class AggregateGate(IEventStore store, TimeProvider? clock = null)
{
    private static readonly TimeSpan FirstPoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(250);
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<(string Tenant, string Aggregate), AggregateShape> _known = new();

    /// <summary>The aggregate type's shape in the tenant, as last read (reading it the first time).</summary>
    public async Task<AggregateShape> ShapeAsync(string tenant, string aggregate, CancellationToken ct) =>
        _known.TryGetValue((tenant, aggregate), out var known) ? known : await ReadAsync(tenant, aggregate, ct).ConfigureAwait(false);

    /// <summary>Reads the shape from the store again (after a conflict that a new marker may explain).</summary>
    public async Task<AggregateShape> ReadAsync(string tenant, string aggregate, CancellationToken ct)
    {
        var head = await store.GetHead(tenant, ct).ConfigureAwait(false);
        var markers = await store.Read(tenant, AggregateMigrationModule.markerQuery(aggregate), ct).ConfigureAwait(false);
        var shape = new AggregateShape(AggregateMigrationModule.statusOf(markers), Math.Max(head, markers.Length == 0 ? 0 : markers.Max(m => m.Position)));
        _known[(tenant, aggregate)] = shape;
        return shape;
    }

    /// <summary>
    /// The shape once no migration of the aggregate runs in the tenant, waiting (polling the markers) up to
    /// <paramref name="wait"/>; null when one still runs then.
    /// </summary>
    public async Task<AggregateShape?> WhenSettledAsync(string tenant, string aggregate, TimeSpan wait, CancellationToken ct)
    {
        var shape = await ShapeAsync(tenant, aggregate, ct).ConfigureAwait(false);
        var deadline = _clock.GetUtcNow() + wait;
        var poll = FirstPoll;
        while (shape.Status.IsMigrating)
        {
            var left = deadline - _clock.GetUtcNow();
            if (left <= TimeSpan.Zero) return null;
            await Task.Delay(poll < left ? poll : left, _clock, ct).ConfigureAwait(false);
            poll = poll * 2 < LongestPoll ? poll * 2 : LongestPoll;
            shape = await ReadAsync(tenant, aggregate, ct).ConfigureAwait(false);
        }
        return shape;
    }

    /// <summary>True when the last status read for the tenant's aggregate type is a running migration.</summary>
    public bool IsPaused(string tenant, string aggregate) =>
        _known.TryGetValue((tenant, aggregate), out var known) && known.Status.IsMigrating;
}
