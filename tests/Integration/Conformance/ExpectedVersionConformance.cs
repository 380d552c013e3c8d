using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance;

/// <summary>Every expected-version case: Any, NoStream, StreamExists, Exact, and stale versions.</summary>
public abstract class ExpectedVersionConformance(IEventStoreFactory factory) : ConformanceSuite(factory)
{
    [Fact]
    public async Task no_stream_accepts_a_new_stream_and_starts_it_at_version_one()
    {
        var written = await AppendOk(Expect("order-1", ExpectedVersion.NoStream), Of("Created", "order-1"), Of("Paid", "order-1"));
        Assert.Equal([1L, 2L], written.Select(e => e.StreamVersion));
        Assert.Equal(2, (await Store.GetStreamState(Tenant, "order-1", Ct)).Version);
    }

    [Fact]
    public async Task no_stream_rejects_an_existing_stream_and_reports_its_version()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        var failure = await AppendFails(Expect("order-1", ExpectedVersion.NoStream), Of("Created", "order-1"));
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, failure.Kind);
        Assert.Equal("order-1", failure.Stream);
        Assert.Equal(2, failure.ActualVersion);
        Assert.Contains("order-1", failure.Reason);
        Assert.Equal(2, (await ReadStream("order-1")).Length);
    }

    [Fact]
    public async Task stream_exists_rejects_a_new_stream()
    {
        var failure = await AppendFails(Expect("order-1", ExpectedVersion.StreamExists), Of("Paid", "order-1"));
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, failure.Kind);
        Assert.Equal(0, failure.ActualVersion);
        Assert.Empty(await ReadStream("order-1"));
    }

    [Fact]
    public async Task stream_exists_accepts_an_existing_stream()
    {
        await AppendOk(Of("Created", "order-1"));
        var written = await AppendOk(Expect("order-1", ExpectedVersion.StreamExists), Of("Paid", "order-1"));
        Assert.Equal(2, Assert.Single(written).StreamVersion);
    }

    [Fact]
    public async Task any_accepts_new_and_existing_streams()
    {
        await AppendOk(Expect("order-1", ExpectedVersion.Any), Of("Created", "order-1"));
        var written = await AppendOk(Expect("order-1", ExpectedVersion.Any), Of("Paid", "order-1"));
        Assert.Equal(2, Assert.Single(written).StreamVersion);
    }

    [Fact]
    public async Task exact_zero_accepts_only_a_stream_never_written()
    {
        await AppendOk(Expect("order-1", Exact(0)), Of("Created", "order-1"));
        var failure = await AppendFails(Expect("order-1", Exact(0)), Of("Created", "order-1"));
        Assert.Equal(1, failure.ActualVersion);
    }

    [Fact]
    public async Task exact_accepts_the_current_version_and_continues_from_it()
    {
        await AppendOk(Of("Created", "order-1"), Of("Paid", "order-1"));
        var written = await AppendOk(Expect("order-1", Exact(2)), Of("Shipped", "order-1"), Of("Delivered", "order-1"));
        Assert.Equal([3L, 4L], written.Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task a_stale_exact_version_is_rejected_with_the_actual_version()
    {
        await AppendOk(Of("Created", "order-1"));
        var seen = (await Store.GetStreamState(Tenant, "order-1", Ct)).Version;
        await AppendOk(Expect("order-1", Exact(seen)), Of("Paid", "order-1"));
        var failure = await AppendFails(Expect("order-1", Exact(seen)), Of("Cancelled", "order-1"));
        Assert.Equal(ConditionFailureKind.WrongExpectedVersion, failure.Kind);
        Assert.Equal(2, failure.ActualVersion);
        Assert.Equal(["Created", "Paid"], (await ReadStream("order-1")).Select(e => e.Type));
    }

    [Fact]
    public async Task an_exact_version_ahead_of_the_stream_is_rejected()
    {
        await AppendOk(Of("Created", "order-1"));
        var failure = await AppendFails(Expect("order-1", Exact(5)), Of("Paid", "order-1"));
        Assert.Equal(1, failure.ActualVersion);
    }

    [Fact]
    public async Task a_condition_may_guard_a_stream_other_than_the_one_written()
    {
        await AppendOk(Of("Opened", "account-1"));
        await AppendOk(Expect("account-1", Exact(1)), Of("Requested", "transfer-1"));
        await AppendOk(Of("Closed", "account-1"));
        await AppendFails(Expect("account-1", Exact(1)), Of("Requested", "transfer-2"));
        Assert.Empty(await ReadStream("transfer-2"));
    }

    [Fact]
    public async Task one_append_may_write_several_streams_each_with_its_own_versions()
    {
        await AppendOk(Of("Created", "a"));
        var written = await AppendOk(Of("Paid", "a"), Of("Created", "b"), Of("Shipped", "a"), Of("Loose"));
        Assert.Equal([2L, 1L, 3L, 0L], written.Select(e => e.StreamVersion));
        Assert.Null(written[3].Stream);
        Assert.Equal(3, (await ReadStream("a")).Length);
    }

    [Fact]
    public async Task events_without_a_stream_leave_stream_versions_alone()
    {
        var written = await AppendOk(Of("Noted", null, "topic:1"), Of("Noted", null, "topic:1"));
        Assert.All(written, e => Assert.Equal(0, e.StreamVersion));
        Assert.Equal(2, (await ReadAll(EventQuery.OfTags("topic:1"))).Length);
    }

    [Fact]
    public async Task of_concurrent_appends_expecting_the_same_version_exactly_one_wins()
    {
        await AppendOk(Of("Created", "order-1"));
        var attempts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(() => Append(Expect("order-1", Exact(1)), Of($"Attempt{i}", "order-1"))))
            .ToArray();
        var results = await Task.WhenAll(attempts);
        Assert.Single(results, r => r.IsAppended);
        Assert.Equal(2, (await ReadStream("order-1")).Length);
        Assert.All(results.Where(r => !r.IsAppended), r => Assert.Equal(2, Failed(r).ActualVersion));
    }
}
