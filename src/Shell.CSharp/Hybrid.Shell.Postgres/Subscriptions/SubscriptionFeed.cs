using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Hybrid.Shell.Postgres.Sql;
using Npgsql;

namespace Hybrid.Shell.Postgres.Subscriptions;

/// <summary>
/// One subscription: a reader task pages through the tenant's log in batches into a bounded channel (so a slow
/// consumer only slows its own reader, never writers), says CaughtUp once it reaches the head, then waits for a
/// wake-up (NOTIFY or an in-process append) or the polling interval. After a connection failure it reads again from
/// the last position it delivered: no loss, no duplicates.
/// </summary>
internal sealed class SubscriptionFeed(NpgsqlDataSource source, StoreSql sql, TenantSignals signals, PostgresEventStoreOptions options)
{
    public async IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<SubscriptionMessage>(new BoundedChannelOptions(Math.Max(1, options.SubscriptionBufferSize))
            { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => ProduceAsync(tenant, query, channel.Writer, stop.Token), CancellationToken.None);
        try
        {
            while (true)
            {
                bool more;
                try { more = await channel.Reader.WaitToReadAsync(stop.Token).ConfigureAwait(false); }
                catch (OperationCanceledException) when (ct.IsCancellationRequested) { yield break; }
                if (!more) yield break;
                while (channel.Reader.TryRead(out var message)) yield return message;
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await producer.ConfigureAwait(false);
        }
    }

    private async Task ProduceAsync(string tenant, EventQuery query, ChannelWriter<SubscriptionMessage> writer, CancellationToken ct)
    {
        var position = query.After;
        var caughtUp = false;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var changed = signals.Next(tenant);
                (RecordedEvent[] Events, long Head) batch;
                try
                {
                    batch = await ReadBatchAsync(tenant, query, position, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (Transient.Is(e) && !ct.IsCancellationRequested)
                {
                    source.Clear();
                    await Task.Delay(options.ReconnectDelay, ct).ConfigureAwait(false);
                    continue;
                }
                foreach (var e in batch.Events) await writer.WriteAsync(SubscriptionMessage.NewEvent(e), ct).ConfigureAwait(false);
                var full = batch.Events.Length == options.SubscriptionBatchSize;
                position = full ? batch.Events[^1].Position : Math.Max(position, batch.Head);
                if (full) continue;
                if (!caughtUp)
                {
                    caughtUp = true;
                    await writer.WriteAsync(SubscriptionMessage.NewCaughtUp(position), ct).ConfigureAwait(false);
                }
                await Task.WhenAny(changed, Task.Delay(options.PollingInterval, ct)).ConfigureAwait(false);
            }
            writer.TryComplete();
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
        }
    }

    private async Task<(RecordedEvent[] Events, long Head)> ReadBatchAsync(string tenant, EventQuery query, long after, CancellationToken ct)
    {
        await using var connection = await source.OpenConnectionAsync(ct).ConfigureAwait(false);
        await using var batch = TenantScope.Begin(connection, tenant);
        var read = new NpgsqlBatchCommand();
        read.Parameters.AddWithValue("tenant", tenant);
        read.Parameters.AddWithValue("after", after);
        var from = QueryFilter.From(sql.Schema, query.Items, read.Parameters, "q", "@after", "h.head + 1", false, options.SubscriptionBatchSize);
        // One statement, so one snapshot: the head and the events below it are consistent.
        read.CommandText = $"""
            WITH h AS (SELECT coalesce((SELECT head FROM {sql.Schema}.tenants WHERE tenant_id = @tenant), 0) AS head)
            SELECT {EventRows.Columns}, h.head FROM h LEFT JOIN LATERAL (
                SELECT e.* FROM {from} ORDER BY e.position LIMIT {options.SubscriptionBatchSize}) e ON TRUE
            """;
        batch.BatchCommands.Add(read);
        var events = new List<RecordedEvent>();
        long head = 0;
        var rows = new EventRowReader(tenant);
        await using var r = await batch.ReadAsync(ct).ConfigureAwait(false);
        while (await r.ReadAsync(ct).ConfigureAwait(false))
        {
            if (!r.IsDBNull(0)) events.Add(rows.Read(r));
            head = r.GetInt64(EventRows.ColumnCount);
        }
        return (events.ToArray(), head);
    }
}
