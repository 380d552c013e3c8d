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
        var path = Path.Combine(directory, "serve.lock");
        try
        {
            Directory.CreateDirectory(directory);
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex) when (ex.GetType() == typeof(IOException) && File.Exists(path))
        {
            // The lock file is there and another process holds it (its subclasses, such as FileNotFoundException, are not that).
            throw new IOException($"--data: the directory '{directory}' is in use by another serve process; give each node its own --data.", ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"--data: the directory '{directory}' cannot be used: {ex.Message}", ex);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _file.Dispose();
}
