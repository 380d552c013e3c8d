using System.Globalization;
using System.Text;
using Hybrid.Shell.Operations;

namespace Hybrid.Shell.Http.Admin;

/// <summary>An inline SVG bar chart of processor lag (one bar per processor and tenant), scaled to the largest lag.</summary>
internal static class LagChart
{
    private const int BarHeight = 18, Gap = 6, LabelWidth = 260, BarWidth = 420;

    public static string Svg(IReadOnlyList<ProcessorLag> lags)
    {
        var height = Math.Max(1, lags.Count) * (BarHeight + Gap) + Gap;
        var max = Math.Max(1, lags.Count == 0 ? 1 : lags.Max(l => l.Lag));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg id=\"lag-chart\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"Processor lag\" width=\"{LabelWidth + BarWidth + 80}\" height=\"{height}\">");
        for (var i = 0; i < lags.Count; i++)
        {
            var lag = lags[i];
            var y = Gap + i * (BarHeight + Gap);
            var width = lag.Lag == 0 ? 1 : Math.Max(2, (int)(BarWidth * (double)lag.Lag / max));
            var label = AdminHtml.Text($"{lag.Processor} / {lag.Tenant}");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 13}\" font-size=\"12\">{label}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{LabelWidth}\" y=\"{y}\" width=\"{width}\" height=\"{BarHeight}\" fill=\"{(lag.Paused ? "#d08a2a" : "#3b6fd8")}\"><title>{label}: {lag.Lag}</title></rect>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{LabelWidth + width + 6}\" y=\"{y + 13}\" font-size=\"12\">{lag.Lag}</text>");
        }
        return svg.Append("</svg>").ToString();
    }
}
