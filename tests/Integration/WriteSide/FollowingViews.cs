namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>A test read model: its name, a scope's initial state and how an event changes it.</summary>
public sealed record TestViewModel(string Name, Func<string, object?> Initial, Func<string, object?, RecordedEvent, object?> Evolve);

/// <summary>
/// A tiny <see cref="IReadModelViews"/> for tests until the read-model engine lands: per tenant it follows the
/// store through a subscription, applying each event after a lag, and folds views up to what it has followed.
/// </summary>
public sealed class FollowingViews(IEventStore store, TimeSpan lag, params TestViewModel[] models) : IReadModelViews, IDisposable
{
    private readonly Dictionary<string, TestViewModel> _models = models.ToDictionary(m => m.Name);
    private readonly Dictionary<string, Follower> _followers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();

    private sealed class Follower
    {
        public readonly List<RecordedEvent> Events = [];
        public long Watermark;
        public TaskCompletionSource Changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <inheritdoc />
    public bool Knows(string model) => _models.ContainsKey(model);

    public async Task<ReadModelView> Read(string tenant, string model, string scope, CancellationToken ct) =>
        await ReadAtLeast(tenant, model, scope, await store.GetHead(tenant, ct), ct);

    /// <inheritdoc />
    public async Task<ReadModelView> ReadAtLeast(string tenant, string model, string scope, long position, CancellationToken ct)
    {
        if (!_models.TryGetValue(model, out var definition)) throw new ArgumentException($"Unknown read model '{model}'.", nameof(model));
        var follower = FollowerOf(tenant);
        while (true)
        {
            Task changed;
            lock (follower)
            {
                if (follower.Watermark >= position)
                {
                    var state = definition.Initial(scope);
                    foreach (var e in follower.Events) state = definition.Evolve(scope, state, e);
                    return new ReadModelView(model, tenant, scope, state!, follower.Watermark);
                }
                changed = follower.Changed.Task;
            }
            await changed.WaitAsync(ct);
        }
    }

    private Follower FollowerOf(string tenant)
    {
        lock (_followers)
        {
            if (_followers.TryGetValue(tenant, out var existing)) return existing;
            var follower = new Follower();
            _followers[tenant] = follower;
            _ = Task.Run(() => Follow(tenant, follower, _stop.Token));
            return follower;
        }
    }

    private async Task Follow(string tenant, Follower follower, CancellationToken ct)
    {
        try
        {
            await foreach (var message in store.Subscribe(tenant, EventQuery.All, ct))
            {
                if (message is not SubscriptionMessage.Event e) continue;
                await Task.Delay(lag, ct);
                TaskCompletionSource changed;
                lock (follower)
                {
                    follower.Events.Add(e.Item);
                    follower.Watermark = e.Item.Position;
                    changed = follower.Changed;
                    follower.Changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                changed.TrySetResult();
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
