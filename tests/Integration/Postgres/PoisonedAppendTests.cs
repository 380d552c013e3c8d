using Hybrid.Shell.Postgres;
using static Hybrid.Tests.Integration.Postgres.PostgresStores;

namespace Hybrid.Tests.Integration.Postgres;

/// <summary>
/// A bad event never costs a good one: 1,000 good appends race with 50 poisoned ones (half refused by the validator,
/// half by the server's own test-only constraint), and exactly the good ones are stored, gapless, per tenant.
/// </summary>
public sealed class PoisonedAppendTests : IAsyncLifetime
{
    private PostgresEventStore _store = null!;

    public async Task InitializeAsync() => _store = (await ServerRefusal.CreateStoreAsync()).Store;

    public async Task DisposeAsync() => await _store.DisposeAsync();

    /// <summary>Poison the validator refuses, by the character classes and JSON rules it enforces.</summary>
    private static readonly EventData[] InvalidPoison =
    [
        new("Poison", [], null!, "{\"x\":\"\\ud800\"}", 1),
        new("Poison", [], null!, "{\"x\":\"a\\u0000b\"}", 1),
        new("Poison", [], null!, "{\"x\":\"\ud800\"}", 1),
        new("Poison\nType", [], null!, "{}", 1),
        new("Poison", ["a b:c"], null!, "{}", 1),
        new("Poison", [], "stream\twith-tab", "{}", 1),
    ];

    private async Task RunAsync(string[] tenants)
    {
        var good = new List<(string Tenant, ProposedEvent[] Events, Task<AppendResult> Task)>();
        var poisoned = new List<(bool ByServer, Task<AppendResult> Task)>();
        var sends = new List<Func<Task>>();
        for (var i = 0; i < 1_050; i++)
        {
            var tenant = tenants[i % tenants.Length];
            // Every 21st append is poisoned: 50 in all, alternately refused by the validator and by the server.
            var poison = i % 21 == 20;
            var byServer = poison && i / 21 % 2 == 0;
            var data = !poison ? Event("Good", $"s-{i % 7}", $"n:{i}")
                : byServer ? ServerRefusal.Refused(stream: $"s-{i % 7}")
                : InvalidPoison[i / 21 % InvalidPoison.Length];
            var events = Propose(Event("Fine", $"s-{i % 7}"), data);
            sends.Add(() =>
            {
                var task = Task.Run(() => _store.Append(AppendRequest.Of(tenant, events), default));
                if (poison) poisoned.Add((byServer, task));
                else good.Add((tenant, events, task));
                return task;
            });
        }
        var all = sends.Select(send => send()).ToArray();
        try { await Task.WhenAll(all); } catch (InvalidInputException) { }

        Assert.Equal(1_000, good.Count);
        Assert.All(good, g => Assert.True(g.Task.IsCompletedSuccessfully && g.Task.Result.IsAppended));
        Assert.Equal(50, poisoned.Count);
        Assert.All(poisoned, p => Assert.IsType(p.ByServer ? typeof(AppendRefusedException) : typeof(InvalidInputException), p.Task.Exception!.InnerException));
        foreach (var tenant in tenants)
        {
            var stored = await _store.Read(tenant, EventQuery.All, default);
            var expected = good.Where(g => g.Tenant == tenant).SelectMany(g => g.Events.Select(e => e.Id)).ToHashSet();
            Assert.Equal(expected.Count, stored.Length);
            Assert.True(expected.SetEquals(stored.Select(e => e.Id)));
            Assert.Equal(Enumerable.Range(1, stored.Length).Select(p => (long)p), stored.Select(e => e.Position));
            Assert.Equal(stored.Length, await _store.GetHead(tenant, default));
        }
    }

    [Fact]
    public Task a_thousand_good_appends_with_fifty_poisoned_on_one_tenant_store_exactly_the_good_ones_gapless() =>
        RunAsync([$"t-{Guid.NewGuid():N}"]);

    [Fact]
    public Task a_thousand_good_appends_with_fifty_poisoned_on_several_tenants_store_exactly_the_good_ones_gapless() =>
        RunAsync(Enumerable.Range(0, 5).Select(_ => $"t-{Guid.NewGuid():N}").ToArray());
}
