// Prints the metrics as an aligned text table.
using System.Globalization;

namespace Hybrid.Bench.Results;

/// <summary>The console form of a report.</summary>
public static class ConsoleTable
{
    /// <summary>Writes the table and the notes.</summary>
    public static void Write(BenchReport report, TextWriter output)
    {
        string[] header = ["metric", "value", "unit", "baseline", "baseline value", "ratio", "target", "met"];
        var rows = report.Metrics.Select(m => new[]
        {
            m.Name, Format(m.Value) ?? "skipped", m.Unit, m.Baseline ?? "", Format(m.BaselineValue) ?? "",
            m.Ratio?.ToString("0.00", CultureInfo.InvariantCulture) ?? "", m.Target ?? "",
            m.TargetMet switch { true => "yes", false => "NO", null => "" },
        }).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        output.WriteLine(Line(header, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var r in rows) output.WriteLine(Line(r, widths));
        if (report.Notes.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("Notes:");
            foreach (var n in report.Notes) output.WriteLine($"- {n}");
        }
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i is 1 or 4 or 5 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();

    private static string? Format(double? v) => v switch
    {
        null => null,
        >= 1000 => v.Value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => v.Value.ToString("0.0", CultureInfo.InvariantCulture),
        _ => v.Value.ToString("0.###", CultureInfo.InvariantCulture),
    };
}
