// Writes a report as indented JSON.
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hybrid.Bench.Results;

/// <summary>The JSON form of a report.</summary>
public static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The report as JSON text.</summary>
    public static string Serialize(BenchReport report) => JsonSerializer.Serialize(report, Options);

    /// <summary>Writes the report to a file, creating its folder.</summary>
    public static void Write(BenchReport report, string path)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null) Directory.CreateDirectory(folder);
        File.WriteAllText(path, Serialize(report));
    }
}
