namespace Hybrid.Sample.Host;

/// <summary>
/// Holds the LMDB data directory for one `serve` process: the read-model cache is one process's, so a second process
/// pointed at the same directory (say a second node on the same machine without its own <c>--data</c>) is refused.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <summary>Takes the directory (creating it); an <see cref="IOException"/> naming it when another process holds it.</summary>
    public static DataDirectoryLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "serve.lock");
        try
        {
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex)
        {
            throw new IOException($"--data: the directory '{directory}' is in use by another serve process; give each node its own --data.", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
