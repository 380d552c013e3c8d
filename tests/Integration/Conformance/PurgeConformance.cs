using Hybrid.Shell.Stores;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>
/// A purge (hard delete) replaces events by placeholders with their position, id, stream and version, type Purged and
/// no body, tags or metadata, so $all stays gapless and checkpoints stay valid; a purged stream is deleted; one
/// StreamPurged audit event is appended with it, atomically. Bad input and unknown targets change nothing.
/// </summary>
public abstract class PurgeConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    private IEventPurger Purger => Assert.IsAssignableFrom<IEventPurger>(Store);

    private PurgeRequest Request(PurgeTarget target, string reason = "erasure request 7") =>
        new(Tenant, target, reason, Guid.CreateVersion7(), EventMetadata.Of("", "", "ops"));

    private async Task<(long[] Positions, RecordedEvent? Audit)> PurgeOk(PurgeTarget target)
    {
        var result = await Purger.Purge(Request(target), Ct);
        if (result is PurgeResult.PurgeRefused refused) Assert.Fail($"Expected the purge to succeed: {refused.Item.Reason}");
        var purged = (PurgeResult.Purged)result;
        return (purged.positions, purged.audit?.Value);
    }

    private static EventData Personal(string type, string stream) =>
        new(type, ["customer:ann", "email:ann@example.com"], stream, """{"name":"Ann"}""", 1);

    [Fact]
    public async Task purging_a_stream_leaves_placeholders_at_its_positions_and_all_stays_gapless()
    {
        var written = await AppendOk(Personal("Registered", "customer-1"), Of("Created", "order-1"), Personal("Renamed", "customer-1"));
        var (positions, audit) = await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        Assert.Equal([1L, 3L], positions);
        var all = await ReadAll();
        Assert.Equal([1L, 2L, 3L, 4L], all.Select(e => e.Position));
        foreach (var i in new[] { 0, 2 })
        {
            var placeholder = all[i];
            Assert.Equal(written[i].Id, placeholder.Id);
            Assert.Equal(Purging.PurgedType, placeholder.Type);
            Assert.Empty(placeholder.Tags);
            Assert.Equal("{}", placeholder.Body.Replace(" ", ""));
            Assert.Equal("customer-1", placeholder.Stream);
            Assert.Equal(written[i].StreamVersion, placeholder.StreamVersion);
            Assert.Equal("", placeholder.Metadata.Actor);
        }
        Assert.Equal(written[1].Body.Replace(" ", ""), all[1].Body.Replace(" ", ""));
        Assert.Equal(audit!.Id, all[3].Id);
    }

    [Fact]
    public async Task a_purged_stream_reads_empty_and_its_events_leave_type_and_tag_queries()
    {
        await AppendOk(Personal("Registered", "customer-1"), Personal("Registered", "customer-2"));
        await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        Assert.Empty(await ReadStream("customer-1"));
        Assert.False((await Store.GetStreamState(Tenant, "customer-1", Ct)).IsLive);
        Assert.Equal(["customer-2"], (await ReadAll(EventQuery.OfTypes("Registered"))).Select(e => e.Stream));
        Assert.Equal(["customer-2"], (await ReadAll(EventQuery.OfTags("email:ann@example.com"))).Select(e => e.Stream));
        Assert.Equal([1L], (await ReadAll(EventQuery.OfTypes(Purging.PurgedType))).Select(e => e.Position));
    }

    [Fact]
    public async Task a_purge_appends_one_audit_event_naming_the_stream_and_the_reason()
    {
        await AppendOk(Personal("Registered", "customer-1"), Personal("Renamed", "customer-1"));
        var (_, audit) = await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        Assert.NotNull(audit);
        Assert.Equal(Purging.AuditType, audit.Type);
        Assert.Equal(3, audit.Position);
        Assert.Null(audit.Stream);
        Assert.Empty(audit.Tags);
        Assert.Equal("ops", audit.Metadata.Actor);
        using var body = System.Text.Json.JsonDocument.Parse(audit.Body);
        Assert.Equal("customer-1", body.RootElement.GetProperty("stream").GetString());
        Assert.Equal(2, body.RootElement.GetProperty("events").GetInt32());
        Assert.Equal("erasure request 7", body.RootElement.GetProperty("reason").GetString());
        Assert.Equal(3, await Head());
    }

    [Fact]
    public async Task purging_a_stream_again_changes_nothing_and_appends_no_audit_event()
    {
        await AppendOk(Personal("Registered", "customer-1"));
        await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        var (positions, audit) = await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        Assert.Empty(positions);
        Assert.Null(audit);
        Assert.Equal(2, await Head());
    }

    [Fact]
    public async Task purging_an_unknown_stream_is_refused_by_name_and_changes_nothing()
    {
        await AppendOk(Of("Created", "order-1"));
        var result = await Purger.Purge(Request(PurgeTarget.NewWholeStream("customer-404")), Ct);
        var refused = Assert.IsType<PurgeResult.PurgeRefused>(result).Item;
        Assert.Equal(PurgeFailureKind.UnknownStream, refused.Kind);
        Assert.Contains("customer-404", refused.Reason);
        Assert.Contains(Tenant, refused.Reason);
        Assert.Equal(1, await Head());
        Assert.Equal("Created", Assert.Single(await ReadAll()).Type);
    }

    [Fact]
    public async Task purging_events_by_position_leaves_the_rest_of_their_stream_readable()
    {
        await AppendOk(Personal("Registered", "customer-1"), Personal("Renamed", "customer-1"));
        var (positions, audit) = await PurgeOk(PurgeTarget.NewEventsAt([1L]));
        Assert.Equal([1L], positions);
        Assert.NotNull(audit);
        var stream = await ReadStream("customer-1");
        Assert.Equal([Purging.PurgedType, "Renamed"], stream.Select(e => e.Type));
        Assert.True((await Store.GetStreamState(Tenant, "customer-1", Ct)).IsLive);
    }

    [Fact]
    public async Task purging_a_position_beyond_the_head_is_refused_and_changes_nothing()
    {
        await AppendOk(Personal("Registered", "customer-1"));
        var result = await Purger.Purge(Request(PurgeTarget.NewEventsAt([1L, 9L])), Ct);
        Assert.Equal(PurgeFailureKind.UnknownPosition, Assert.IsType<PurgeResult.PurgeRefused>(result).Item.Kind);
        Assert.Equal("Registered", Assert.Single(await ReadAll()).Type);
    }

    [Fact]
    public async Task a_purge_without_a_reason_or_of_all_is_bad_input_and_changes_nothing()
    {
        await AppendOk(Personal("Registered", "customer-1"));
        var noReason = await Assert.ThrowsAsync<InvalidInputException>(() => Purger.Purge(Request(PurgeTarget.NewWholeStream("customer-1"), " "), Ct));
        Assert.Equal("reason", noReason.Field);
        var all = await Assert.ThrowsAsync<InvalidInputException>(() => Purger.Purge(Request(PurgeTarget.NewWholeStream("$all")), Ct));
        Assert.Equal("stream", all.Field);
        var position = await Assert.ThrowsAsync<InvalidInputException>(() => Purger.Purge(Request(PurgeTarget.NewEventsAt([0L])), Ct));
        Assert.Equal("positions", position.Field);
        Assert.Equal("Registered", Assert.Single(await ReadAll()).Type);
    }

    [Fact]
    public async Task a_purge_leaves_other_tenants_alone()
    {
        var other = Tenants.Fresh();
        await AppendOkTo(other, Personal("Registered", "customer-1"));
        await AppendOk(Personal("Registered", "customer-1"));
        await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        Assert.Equal("Registered", Assert.Single(await Store.Read(other, EventQuery.All, Ct)).Type);
        Assert.Single(await Store.ReadStream(other, StreamRead.Forward("customer-1"), Ct));
    }

    [Fact]
    public async Task a_purged_stream_recreated_continues_after_its_purged_versions()
    {
        await AppendOk(Personal("Registered", "customer-1"), Personal("Renamed", "customer-1"));
        await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        var again = await AppendOk(Expect("customer-1", ExpectedVersion.NoStream), Of("Registered", "customer-1"));
        Assert.Equal(3, Assert.Single(again).StreamVersion);
        Assert.Equal(again.Select(e => e.Id), (await ReadStream("customer-1")).Select(e => e.Id));
    }

    [Fact]
    public async Task a_subscriber_past_the_purged_positions_sees_the_audit_event_and_reads_by_id_give_placeholders()
    {
        var written = await AppendOk(Personal("Registered", "customer-1"));
        using var cts = new CancellationTokenSource(Patience);
        var seen = new List<RecordedEvent>();
        var subscription = Task.Run(async () =>
        {
            await foreach (var message in Store.Subscribe(Tenant, EventQuery.OfTypes(Purging.AuditType).AfterPosition(1), cts.Token))
                if (message is SubscriptionMessage.Event e)
                {
                    seen.Add(e.Item);
                    return;
                }
        });
        var (_, audit) = await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        await subscription.WaitAsync(Patience);
        Assert.Equal(audit!.Id, Assert.Single(seen).Id);
        var byId = Assert.Single(await Store.ReadById(Tenant, written[0].Id, Ct));
        Assert.Equal(Purging.PurgedType, byId.Type);
    }

    [Fact]
    public async Task a_purge_without_a_target_or_an_audit_id_is_bad_input_and_changes_nothing()
    {
        await AppendOk(Personal("Registered", "customer-1"));
        var noTarget = await Assert.ThrowsAsync<InvalidInputException>(() => Purger.Purge(Request(null!), Ct));
        Assert.Equal("target", noTarget.Field);
        Assert.Contains(Tenant, noTarget.Message);
        var noAudit = await Assert.ThrowsAsync<InvalidInputException>(() =>
            Purger.Purge(new PurgeRequest(Tenant, PurgeTarget.NewWholeStream("customer-1"), "erasure", Guid.Empty, EventMetadata.Empty), Ct));
        Assert.Equal("auditId", noAudit.Field);
        Assert.Contains(Tenant, noAudit.Message);
        var nullPositions = await Assert.ThrowsAsync<InvalidInputException>(() => Purger.Purge(Request(PurgeTarget.NewEventsAt(null!)), Ct));
        Assert.Equal("positions", nullPositions.Field);
        Assert.Equal("Registered", Assert.Single(await ReadAll()).Type);
    }

    [Fact]
    public async Task a_purge_whose_audit_id_is_another_events_id_is_refused_naming_it_and_purges_nothing()
    {
        var other = Assert.Single(await AppendOk(Of("Created", "order-1")));
        await AppendOk(Personal("Registered", "customer-1"));
        var result = await Purger.Purge(new PurgeRequest(Tenant, PurgeTarget.NewWholeStream("customer-1"), "erasure", other.Id, EventMetadata.Empty), Ct);
        var refused = Assert.IsType<PurgeResult.PurgeRefused>(result).Item;
        Assert.Equal(PurgeFailureKind.AuditIdStored, refused.Kind);
        Assert.Contains(Tenant, refused.Reason);
        Assert.Contains(other.Id.ToString(), refused.Reason);
        Assert.Equal(2, await Head());
        Assert.Equal("Registered", Assert.Single(await ReadStream("customer-1")).Type);
        Assert.True((await Store.GetStreamState(Tenant, "customer-1", Ct)).IsLive);
    }

    [Fact]
    public async Task a_subscription_catching_up_over_purged_and_deleted_streams_delivers_what_a_read_of_all_returns()
    {
        await AppendOk(Personal("Registered", "customer-1"), Of("Created", "order-1"), Personal("Renamed", "customer-1"), Of("Paid", "order-1"));
        await Store.DeleteStream(Tenant, "order-1", ExpectedVersion.Any, Ct);
        await PurgeOk(PurgeTarget.NewWholeStream("customer-1"));
        await using var all = SubscriptionRecorder.Start(Store, Tenant, EventQuery.All);
        var (events, at) = await all.UntilCaughtUp(Patience);
        var read = await ReadAll();
        Assert.Equal(Ids(read), Ids(events));
        Assert.Equal(read.Select(e => e.Type), events.Select(e => e.Type));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], Positions(events));
        Assert.Equal(5, at);
        await using var registered = SubscriptionRecorder.Start(Store, Tenant, EventQuery.OfTags("customer:ann"));
        var (none, registeredAt) = await registered.UntilCaughtUp(Patience);
        Assert.Empty(none);
        Assert.Equal(5, registeredAt);
    }
}
