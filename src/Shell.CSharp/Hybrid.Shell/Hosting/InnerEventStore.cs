namespace Hybrid.Shell.Hosting;

/// <summary>
/// The store under a decorator that <c>AddHybrid</c> registers (the registry's upcasters): held here so the container
/// disposes it with the host, which it would not do through the decorator.
/// </summary>
internal sealed class InnerEventStore(IEventStore store) : IAsyncDisposable
{
    public IEventStore Store { get; } = store;

    public ValueTask DisposeAsync() => Store switch
    {
        IAsyncDisposable asyncDisposable => asyncDisposable.DisposeAsync(),
        IDisposable disposable => Dispose(disposable),
        _ => ValueTask.CompletedTask,
    };

    private static ValueTask Dispose(IDisposable disposable)
    {
        disposable.Dispose();
        return ValueTask.CompletedTask;
    }
}
