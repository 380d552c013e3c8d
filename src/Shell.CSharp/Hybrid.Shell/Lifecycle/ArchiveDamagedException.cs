namespace Hybrid.Shell.Lifecycle;

/// <summary>An archive file that cannot be read back, named with the first damaged line: nothing of it was imported.</summary>
public sealed class ArchiveDamagedException(string file, int line, string problem)
    : Exception($"The archive '{file}' is damaged at line {line}: {problem}. Nothing of it was read.")
{
    /// <summary>The archive file.</summary>
    public string File { get; } = file;

    /// <summary>The first damaged line, from 1.</summary>
    public int Line { get; } = line;
}
