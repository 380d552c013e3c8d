// A temp folder deleted on dispose.
namespace Hybrid.Bench.Measure;

/// <summary>A fresh folder under the temp path, deleted with its contents on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates a folder whose name starts with the prefix.</summary>
    public TempFolder(string prefix)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The folder's path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
