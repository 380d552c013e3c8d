namespace Hybrid.Shell.Lmdb.EventStore;

/// <summary>One process writes a store: it holds store.lock in the store's directory while the store is open.</summary>
internal static class StoreLock
{
    public const string FileName = "store.lock";

    /// <summary>
    /// Takes the directory's lock; an <see cref="IOException"/> naming the directory when another process holds it or
    /// this user may not create or open the lock file.
    /// </summary>
    public static FileStream Take(string directory)
    {
        try
        {
            return new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new IOException($"The event store in '{directory}' is in use by another process (or another store object in this one).", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"The event store in '{directory}' cannot be opened: {e.Message} " +
                                  "Give the user this process runs as read and write access to the directory and its files.", e);
        }
    }
}
