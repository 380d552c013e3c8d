namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>
/// A write did not fit: the store's map reached <see cref="LmdbEventStoreOptions.MaxMapSize"/>, or the disk is full.
/// Nothing of the refused write was stored; everything acknowledged before is kept.
/// </summary>
public sealed class LmdbStoreFullException(string message, Exception? inner = null) : IOException(message, inner);
