// The growth curve as a markdown table and an SVG chart, written by the bench (never by hand) for the README.
using System.Globalization;
using System.Text;

namespace Hybrid.Bench.Postgres;

/// <summary>Renders growth points: the table, the chart, and the README block between its markers.</summary>
public static class GrowthReport
{
    /// <summary>The README markers the table goes between.</summary>
    public const string Start = "<!-- growth:start -->", End = "<!-- growth:end -->";

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Cost per operation relative to the empty store: higher is worse, 1.3 is the limit.</summary>
    private static readonly (string Name, string Colour, Func<GrowthPoint, GrowthPoint, double> Cost)[] Series =
    [
        ("single append", "#1f77b4", (p, e) => e.SingleC1 / p.SingleC1),
        ("batch append", "#ff7f0e", (p, e) => e.Batch100C4 / p.Batch100C4),
        ("DCB check p50", "#2ca02c", (p, e) => p.CheckP50Us / e.CheckP50Us),
        ("DCB check p99", "#d62728", (p, e) => p.CheckP99Us / e.CheckP99Us),
        ("read", "#9467bd", (p, e) => e.ReadEvPerSec / p.ReadEvPerSec),
    ];

    /// <summary>The markdown table: each figure and, in parentheses, its cost relative to the empty store.</summary>
    public static string Table(IReadOnlyList<GrowthPoint> points, string note)
    {
        var e = points[0];
        var b = new StringBuilder();
        b.AppendLine("| events in store | single append ev/s | batch append ev/s | DCB check p50 µs | DCB check p99 µs | read ev/s |");
        b.AppendLine("|---|---|---|---|---|---|");
        foreach (var p in points)
            b.AppendLine(Inv, $"| {p.Events:N0} | {p.SingleC1:N0} ({Series[0].Cost(p, e):0.00}) | {p.Batch100C4:N0} ({Series[1].Cost(p, e):0.00}) | " +
                              $"{p.CheckP50Us:N0} ({Series[2].Cost(p, e):0.00}) | {p.CheckP99Us:N0} ({Series[3].Cost(p, e):0.00}) | {p.ReadEvPerSec:N0} ({Series[4].Cost(p, e):0.00}) |");
        b.AppendLine();
        b.AppendLine(note);
        return b.ToString();
    }

    /// <summary>An SVG line chart of each operation's cost relative to the empty store, by store size.</summary>
    public static string Chart(IReadOnlyList<GrowthPoint> points)
    {
        const int width = 640, height = 360, left = 60, right = 170, top = 30, bottom = 50;
        var e = points[0];
        var costs = Series.Select(s => points.Select(p => s.Cost(p, e)).ToArray()).ToArray();
        // The axis stops at 3x (a point above is drawn on the top edge with its value), so the 1.3x limit stays readable.
        const double axisCap = 3;
        var yMax = Math.Min(axisCap, Math.Max(1.5, Math.Ceiling(costs.SelectMany(c => c).Where(double.IsFinite).DefaultIfEmpty(1).Max() * 4) / 4));
        var step = yMax <= 2 ? 0.25 : 0.5;
        double X(int i) => left + (points.Count == 1 ? 0 : i * (width - left - right) / (double)(points.Count - 1));
        double Y(double v) => top + (height - top - bottom) * (1 - Math.Min(v, yMax) / yMax);
        var s = new StringBuilder();
        s.AppendLine(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">");
        s.AppendLine("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>");
        s.AppendLine(Inv, $"<text x=\"{left}\" y=\"18\" font-size=\"14\">Cost per operation relative to the empty store (PostgreSQL, {GrowthBench.Tenants:N0} tenants)</text>");
        for (var v = 0.0; v <= yMax + 1e-9; v += step)
        {
            var y = Y(v);
            s.AppendLine(Inv, $"<line x1=\"{left}\" y1=\"{y:0.#}\" x2=\"{width - right}\" y2=\"{y:0.#}\" stroke=\"#ddd\"/>");
            s.AppendLine(Inv, $"<text x=\"{left - 8}\" y=\"{y + 4:0.#}\" text-anchor=\"end\">{v:0.00}</text>");
        }
        s.AppendLine(Inv, $"<line x1=\"{left}\" y1=\"{Y(1.3):0.#}\" x2=\"{width - right}\" y2=\"{Y(1.3):0.#}\" stroke=\"#888\" stroke-dasharray=\"6 4\"/>");
        s.AppendLine(Inv, $"<text x=\"{width - right - 4}\" y=\"{Y(1.3) - 4:0.#}\" text-anchor=\"end\" fill=\"#666\">1.3x limit</text>");
        for (var i = 0; i < points.Count; i++)
            s.AppendLine(Inv, $"<text x=\"{X(i):0.#}\" y=\"{height - bottom + 18}\" text-anchor=\"middle\">{GrowthBench.Label(points[i].Events)}</text>");
        s.AppendLine(Inv, $"<text x=\"{(left + width - right) / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">events in the store</text>");
        for (var k = 0; k < Series.Length; k++)
        {
            var pts = string.Join(" ", costs[k].Select((c, i) => string.Create(Inv, $"{X(i):0.#},{Y(c):0.#}")));
            s.AppendLine(Inv, $"<polyline points=\"{pts}\" fill=\"none\" stroke=\"{Series[k].Colour}\" stroke-width=\"2\"/>");
            for (var i = 0; i < points.Count; i++)
            {
                s.AppendLine(Inv, $"<circle cx=\"{X(i):0.#}\" cy=\"{Y(costs[k][i]):0.#}\" r=\"3\" fill=\"{Series[k].Colour}\"/>");
                if (costs[k][i] > yMax)
                    s.AppendLine(Inv, $"<text x=\"{X(i) + 5:0.#}\" y=\"{Y(yMax) + 12 + k * 12:0.#}\" fill=\"{Series[k].Colour}\">{costs[k][i]:0.0}x</text>");
            }
            var ly = top + 10 + k * 20;
            s.AppendLine(Inv, $"<line x1=\"{width - right + 12}\" y1=\"{ly}\" x2=\"{width - right + 32}\" y2=\"{ly}\" stroke=\"{Series[k].Colour}\" stroke-width=\"2\"/>");
            s.AppendLine(Inv, $"<text x=\"{width - right + 38}\" y=\"{ly + 4}\">{Series[k].Name}</text>");
        }
        s.AppendLine("</svg>");
        return s.ToString();
    }

    /// <summary>Replaces the README's block between the markers with the table (and a link to the chart), when both markers are there.</summary>
    public static bool UpdateReadme(string readmePath, string table, string chartPath)
    {
        var text = File.ReadAllText(readmePath);
        var start = text.IndexOf(Start, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) return false;
        var link = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(readmePath))!, Path.GetFullPath(chartPath)).Replace('\\', '/');
        var block = $"{Start}\n![cost per operation relative to the empty store]({link})\n\n{table}{End}";
        File.WriteAllText(readmePath, text[..start] + block + text[(end + End.Length)..]);
        return true;
    }
}
