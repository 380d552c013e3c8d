using Hybrid.Shell.Stores;

namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// A write did not fit: the store's map reached <see cref="LmdbEventStoreOptions.MaxMapSize"/>, or the disk is full.
/// Nothing of the refused write was stored; everything acknowledged before is kept. Not the request's fault: HTTP
/// answers 503 with Retry-After (as PostgreSQL's disk-full SQLSTATE 53100 does), and processors do not dead-letter.
/// </summary>
public sealed class LmdbStoreFullException(string message, Exception? inner = null) : IOException(message, inner), IStoreUnavailableFailure;
