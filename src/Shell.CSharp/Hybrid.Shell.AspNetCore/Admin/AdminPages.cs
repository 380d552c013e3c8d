using System.Globalization;
using Hybrid.Shell.Operations;

namespace Hybrid.Shell.Http.Admin;

/// <summary>
/// The server-rendered admin pages: the overview (tenants, processors with lag, pauses and leases and a lag chart,
/// dead letters, read models with versions and, for operators of every tenant, the cache statistics, which are the whole
/// store's) and a tenant's events with paging. Buttons (POST
/// forms) only for callers who may act.
/// </summary>
internal static class AdminPages
{
    private static string N(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>The overview of the tenants the caller covers (all of them for an operator of every tenant).</summary>
    public static async Task<string> Overview(HybridOperations ops, string prefix, AdminScope scope, string tokenField, CancellationToken ct)
    {
        var access = scope.Access;
        var html = new AdminHtml("Hybrid admin", prefix, access == AdminAccess.Act ? "admin" : "read-only");
        var tenants = (await ops.Tenants(ct)).Where(scope.Covers).ToArray();
        // A caller confined to a tenant that has no events yet sees empty tables (asking for it would be an unknown tenant).
        var confinedToNone = scope.OnlyTenant is not null && tenants.Length == 0;
        var heads = new List<string[]>();
        foreach (var tenant in tenants)
            heads.Add([$"<a href=\"{AdminHtml.Attr($"{prefix}/tenants/{Uri.EscapeDataString(tenant)}")}\">{AdminHtml.Text(tenant)}</a>", N(await ops.Head(tenant, ct))]);
        html.Heading("Tenants", "tenants").Table("tenants-table", ["tenant", "head"], heads);

        var lags = confinedToNone ? [] : await ops.Lag(scope.OnlyTenant, ct);
        html.Heading("Processors", "processors").Table("processors-table", ["processor", "tenant", "head", "checkpoint", "lag", "paused", "lease held by", "lease expires"],
            lags.Select(l => new[]
            {
                AdminHtml.Text(l.Processor), AdminHtml.Text(l.Tenant), N(l.Head), N(l.Checkpoint),
                l.Lag > 0 ? $"<span class=\"lag\">{N(l.Lag)}</span>" : "0", l.Paused ? "<span class=\"paused\">paused</span>" : "no",
                AdminHtml.Text(l.LeaseOwner ?? "-"), AdminHtml.Text(l.LeaseExpiresAt?.ToString("u", CultureInfo.InvariantCulture) ?? "-"),
            }));
        html.Raw(LagChart.Svg(lags));

        var letters = confinedToNone ? [] : await ops.DeadLetters(scope.OnlyTenant, null, includeSettled: true, ct);
        html.Heading("Dead letters", "dead-letters").Table("dead-letters-table",
            ["tenant", "processor", "position", "event type", "status", "attempts", "failed at", "error", access == AdminAccess.Act ? "actions" : ""],
            letters.Select(d => new[]
            {
                AdminHtml.Text(d.Tenant), AdminHtml.Text(d.Processor), N(d.Position), AdminHtml.Text(d.EventType), AdminHtml.Text(d.Status.ToString()),
                N(d.Attempts), AdminHtml.Text(d.FailedAt.ToString("u", CultureInfo.InvariantCulture)), AdminHtml.Text(d.Error),
                access == AdminAccess.Act && d.Status == DeadLetterStatus.Pending ? Buttons(prefix, d, tokenField) : "",
            }));

        html.Heading("Read models", "read-models").Table("read-models-table", ["read model", "version"],
            ops.ReadModels.Select(m => new[] { AdminHtml.Text(m.Name), N(m.Version) }));
        if (scope.OnlyTenant is not null) return html.ToString(); // the cache's counters are every tenant's
        var s = ops.CacheStatistics;
        html.Table("cache-table", ["cache", "value"], new[]
        {
            ("L1 hits", s.L1Hits), ("L1 misses", s.L1Misses), ("L1 evictions", s.L1Evictions), ("L1 size", s.L1Size), ("L2 hits", s.L2Hits),
            ("L2 misses", s.L2Misses), ("damaged entries", s.DamagedEntries), ("events folded", s.EventsFolded), ("write-backs", s.WriteBacks),
            ("bytes written back", s.BytesWrittenBack), ("pending write-backs", s.PendingWriteBacks),
        }.Select(r => new[] { AdminHtml.Text(r.Item1), N(r.Item2) }));
        return html.ToString();
    }

    /// <summary>The retry and discard forms of a pending dead letter, each carrying the antiforgery token field.</summary>
    private static string Buttons(string prefix, DeadLetter d, string tokenField)
    {
        var action = $"{prefix}/dead-letters/{Uri.EscapeDataString(d.Tenant)}/{Uri.EscapeDataString(d.Processor)}/{N(d.Position)}";
        return $"<form method=\"post\" action=\"{AdminHtml.Attr(action + "/retry")}\">{tokenField}<button type=\"submit\">Retry</button></form>" +
               $"<form method=\"post\" action=\"{AdminHtml.Attr(action + "/discard")}\">{tokenField}<button type=\"submit\">Discard</button></form>";
    }

    public static async Task<string> Tenant(HybridOperations ops, string prefix, AdminAccess access, string tenant, long after, string? stream, int pageSize,
        CancellationToken ct)
    {
        var html = new AdminHtml($"Tenant {tenant}", prefix, access == AdminAccess.Act ? "admin" : "read-only");
        var head = await ops.Head(tenant, ct);
        var events = stream is null ? await ops.Events(tenant, after, pageSize, ct) : await ops.StreamEvents(tenant, stream, after, pageSize, ct);
        html.Heading(stream is null ? $"Tenant {tenant}: events after position {after} (head {head})" : $"Tenant {tenant}: stream {stream} after version {after}", "events");
        var streams = events.Select(e => e.Stream).Where(s => !string.IsNullOrEmpty(s)).Distinct().Order(StringComparer.Ordinal);
        html.Raw("<p>Streams on this page: " + string.Join(", ", streams.Select(s =>
            $"<a href=\"{AdminHtml.Attr($"{prefix}/tenants/{Uri.EscapeDataString(tenant)}?stream={Uri.EscapeDataString(s)}")}\">{AdminHtml.Text(s)}</a>")) + "</p>");
        html.Table("events-table", ["position", "stream", "version", "type", "tags", "metadata", "body"], events.Select(e => new[]
        {
            N(e.Position), AdminHtml.Text(e.Stream), N(e.StreamVersion), AdminHtml.Text(e.Type), AdminHtml.Text(string.Join(", ", e.Tags)),
            $"<pre>{AdminHtml.Text(MetadataJson.write(e.Metadata))}</pre>", $"<pre>{AdminHtml.Text(e.Body)}</pre>",
        }));
        var baseLink = $"{prefix}/tenants/{Uri.EscapeDataString(tenant)}?{(stream is null ? "" : $"stream={Uri.EscapeDataString(stream)}&")}after=";
        var next = events.Length == 0 ? after : (stream is null ? events[^1].Position : events[^1].StreamVersion);
        var links = new List<string>();
        if (after > 0) links.Add($"<a id=\"first-page\" href=\"{AdminHtml.Attr(baseLink + "0")}\">first</a>");
        if (events.Length == pageSize) links.Add($"<a id=\"next-page\" href=\"{AdminHtml.Attr(baseLink + N(next))}\">next</a>");
        html.Raw("<p>" + string.Join(" · ", links) + "</p>");
        return html.ToString();
    }
}
