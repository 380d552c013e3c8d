namespace Hybrid.Shell.Middleware;

/// <summary>The rest of an append pipeline.</summary>
public delegate Task<AppendResult> AppendNext(AppendRequest request, CancellationToken ct);

/// <summary>
/// A step around a store's append: serialization, validation (throw <see cref="InvalidInputException"/> to reject
/// before the store is touched), enrichment. Call <c>next</c> to go on.
/// </summary>
public interface IAppendMiddleware
{
    /// <summary>Runs around the rest of the pipeline.</summary>
    Task<AppendResult> AppendAsync(AppendRequest request, AppendNext next, CancellationToken ct);
}

/// <summary>A store whose appends run through middleware, in order, before reaching the inner store.</summary>
public sealed class EventStorePipeline(IEventStore inner, IEnumerable<IAppendMiddleware> middleware) : DelegatingEventStore(inner)
{
    private readonly IAppendMiddleware[] _middleware = middleware.ToArray();

    /// <inheritdoc />
    public override Task<AppendResult> Append(AppendRequest request, CancellationToken ct) => Next(0)(request, ct);

    private AppendNext Next(int index) =>
        index < _middleware.Length
            ? (request, ct) => _middleware[index].AppendAsync(request, Next(index + 1), ct)
            : Inner.Append;
}
