namespace Hybrid.Tests.Integration.ReadModels;

/// <summary>A fresh directory under the system temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hybrid-rm-" + Guid.NewGuid().ToString("N"));

    public string DataFile => System.IO.Path.Combine(Path, "data.mdb");

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
