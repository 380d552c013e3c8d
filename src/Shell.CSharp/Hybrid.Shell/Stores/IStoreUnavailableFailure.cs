namespace Hybrid.Shell.Stores;

/// <summary>
/// Marks an exception of a store's own that means the store cannot take the request just now, through no fault of the
/// request (say the embedded store's file is full): <see cref="StoreFailures.IsUnavailable"/> counts it, so HTTP answers
/// 503 with Retry-After and processors do not dead-letter the event they were handling.
/// </summary>
public interface IStoreUnavailableFailure;
