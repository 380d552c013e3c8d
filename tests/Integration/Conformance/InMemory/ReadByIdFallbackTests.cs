using Hybrid.InMemory.EventStore;
using Hybrid.Shell.Stores;
using Microsoft.FSharp.Core;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Conformance.InMemory;

/// <summary>Reading by id through a store that has no id index of its own: the extension scans the tenant's log.</summary>
public sealed class ReadByIdFallbackTests
{
    /// <summary>A store exposing only <see cref="IEventStore"/>, as a new store would before it indexes ids.</summary>
    private sealed class WithoutIdIndex(IEventStore inner) : IEventStore
    {
        public Task<AppendResult> Append(AppendRequest request, CancellationToken ct) => inner.Append(request, ct);
        public Task<RecordedEvent[]> Read(string tenant, EventQuery query, CancellationToken ct) => inner.Read(tenant, query, ct);
        public Task<RecordedEvent[]> ReadStream(string tenant, StreamRead read, CancellationToken ct) => inner.ReadStream(tenant, read, ct);
        public Task<StreamState> GetStreamState(string tenant, string stream, CancellationToken ct) => inner.GetStreamState(tenant, stream, ct);
        public Task<DeleteResult> DeleteStream(string tenant, string stream, ExpectedVersion expected, CancellationToken ct) =>
            inner.DeleteStream(tenant, stream, expected, ct);
        public Task<long> GetHead(string tenant, CancellationToken ct) => inner.GetHead(tenant, ct);
        public Task<string[]> GetTenants(CancellationToken ct) => inner.GetTenants(ct);
        public IAsyncEnumerable<SubscriptionMessage> Subscribe(string tenant, EventQuery query, CancellationToken ct) => inner.Subscribe(tenant, query, ct);
        public Task<Checkpoint> ReadCheckpoint(string tenant, string processor, CancellationToken ct) => inner.ReadCheckpoint(tenant, processor, ct);
        public Task<FSharpResult<Checkpoint, ConditionFailure>> ClaimCheckpoint(string tenant, string processor, long fencingToken, CancellationToken ct) =>
            inner.ClaimCheckpoint(tenant, processor, fencingToken, ct);
        public Task<FSharpResult<Checkpoint, ConditionFailure>> WriteCheckpoint(string tenant, CheckpointWrite write, CancellationToken ct) =>
            inner.WriteCheckpoint(tenant, write, ct);
        public Task ResetCheckpoint(string tenant, string processor, long position, CancellationToken ct) =>
            inner.ResetCheckpoint(tenant, processor, position, ct);
    }

    [Fact]
    public async Task a_store_without_an_id_index_is_scanned_page_by_page_for_the_id()
    {
        var store = new WithoutIdIndex(new InMemoryEventStore());
        var tenant = Tenants.Fresh();
        var written = new List<RecordedEvent>();
        for (var i = 0; i < 3; i++) written.AddRange((await store.Append(AppendRequest.Of(tenant, Propose(Many(900, "Bulk"))), default)).Events);

        var found = Assert.Single(await store.ReadById(tenant, written[2_500].Id, default));

        Assert.Equal(written[2_500].Position, found.Position);
        Assert.Empty(await store.ReadById(tenant, Guid.CreateVersion7(), default));
    }
}
