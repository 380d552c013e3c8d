using Hybrid.Shell.Lmdb.EventStore;
using static Hybrid.Tests.Integration.Conformance.TestEvents;

namespace Hybrid.Tests.Integration.Lmdb;

/// <summary>
/// A small store holding a bit of everything (three tenants, streams, tags, a deleted stream, checkpoints, a dead
/// letter, a lease), written once and compacted, so that nearly every byte of its file is live data. Tests copy it.
/// </summary>
/// <remarks>
/// 80 to 100 events per tenant: with half as many, the mostly empty pages of the small databases (meta, tenants,
/// deletions, checkpoints, dead letters, leases) were so large a share of the file that only 105-110 of the damage
/// test's 200 seeds hit live data (format 2, which keeps no head or stream records); now 130-132.
/// </remarks>
internal static class SampleLog
{
    public static readonly string[] Tenants = ["acme", "globex", "initech"];

    private static readonly Lazy<(string Directory, Dictionary<string, RecordedEvent[]> Events)> Built = new(Build);

    /// <summary>The compacted store's directory (do not write to it; copy it).</summary>
    public static string Directory => Built.Value.Directory;

    /// <summary>Every event of each tenant, as written.</summary>
    public static IReadOnlyDictionary<string, RecordedEvent[]> Events => Built.Value.Events;

    /// <summary>A copy of the store in a fresh directory under the parent.</summary>
    public static string CopyTo(string parent)
    {
        var target = Path.Combine(parent, "store-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(target);
        File.Copy(Path.Combine(Directory, "data.mdb"), Path.Combine(target, "data.mdb"));
        return target;
    }

    private static (string, Dictionary<string, RecordedEvent[]>) Build()
    {
        var root = Path.Combine(Path.GetTempPath(), "hybrid-lmdb-sample-" + Guid.NewGuid().ToString("N"));
        var live = Path.Combine(root, "live");
        var compacted = Path.Combine(root, "compacted");
        var events = new Dictionary<string, RecordedEvent[]>();
        using (var store = LmdbEventStore.Open(new LmdbEventStoreOptions { Directory = live, Durable = false }))
        {
            var ct = CancellationToken.None;
            for (var t = 0; t < Tenants.Length; t++)
            {
                var tenant = Tenants[t];
                for (var i = 0; i < 80 + 10 * t; i++)
                {
                    var stream = $"order-{i % 7}";
                    var data = new EventData(i % 3 == 0 ? "OrderPlaced" : "OrderShipped", [$"customer:{i % 5}", $"region:{(i % 2 == 0 ? "eu" : "us")}"],
                        stream, $$"""{"order":{{i}},"note":"{{new string('x', i % 40)}}"}""", 1);
                    var request = AppendRequest.Of(tenant, new ProposedEvent(Guid.CreateVersion7(), data, EventMetadata.Of($"cause-{i}", $"corr-{t}", "ann")));
                    if (i % 10 == 9)
                        request = new AppendRequest(tenant, request.Events, request.Condition, Microsoft.FSharp.Core.FSharpOption<CheckpointWrite>.Some(new CheckpointWrite("mailer", i, 1)));
                    store.Append(request, ct).GetAwaiter().GetResult();
                }
                store.Append(AppendRequest.Of(tenant, Propose(Of("Tagged", null, "flag:on"))), ct).GetAwaiter().GetResult();
                store.DeleteStream(tenant, "order-3", ExpectedVersion.Any, ct).GetAwaiter().GetResult();
                new LmdbDeadLetterStore(store).Put(new DeadLetter(tenant, "mailer", 2, Guid.CreateVersion7(), "OrderPlaced", "boom", 3,
                    DateTimeOffset.UnixEpoch, DeadLetterStatus.Pending), ct).GetAwaiter().GetResult();
                events[tenant] = store.Read(tenant, EventQuery.All, ct).GetAwaiter().GetResult();
            }
            new LmdbLeaseStore(store).TryAcquire("processor/mailer/tenant:acme", "node-1", TimeSpan.FromHours(1), ct).GetAwaiter().GetResult();
            store.BackupTo(compacted);
        }
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { System.IO.Directory.Delete(root, recursive: true); } catch (IOException) { }
        };
        return (compacted, events);
    }
}
