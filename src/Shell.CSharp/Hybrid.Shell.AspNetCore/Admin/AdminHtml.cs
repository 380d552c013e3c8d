using System.Text;
using System.Text.Encodings.Web;

namespace Hybrid.Shell.Http.Admin;

/// <summary>A small HTML writer for the admin pages: every text goes through the HTML encoder; one inline stylesheet.</summary>
internal sealed class AdminHtml
{
    private const string Style = """
        body{font:14px system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
        header{background:#1d2330;color:#fff;padding:10px 20px}header a{color:#9cc3ff;margin-right:14px}
        main{padding:8px 20px}h2{margin:22px 0 8px;font-size:17px}
        table{border-collapse:collapse;background:#fff;margin-bottom:8px}th,td{border:1px solid #d5d9e0;padding:4px 8px;text-align:left;vertical-align:top}
        th{background:#eceff3}pre{margin:0;white-space:pre-wrap;max-width:640px;font-size:12px}
        .paused{color:#a05a00;font-weight:bold}.lag{color:#b00020}.muted{color:#667}.mode{float:right}
        form{display:inline}button{margin-right:4px}
        """;

    private readonly StringBuilder _html = new();

    public AdminHtml(string title, string prefix, string mode)
    {
        _html.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(Text(title)).Append("</title><style>")
            .Append(Style).Append("</style></head><body><header><strong>Hybrid admin</strong> &nbsp; <a href=\"").Append(Attr(prefix))
            .Append("\">Overview</a><span class=\"mode\">").Append(Text(mode)).Append("</span></header><main>");
    }

    public static string Text(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static string Attr(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public AdminHtml Raw(string html)
    {
        _html.Append(html);
        return this;
    }

    public AdminHtml Heading(string text, string id) => Raw($"<h2 id=\"{Attr(id)}\">{Text(text)}</h2>");

    public AdminHtml Paragraph(string text, string cssClass = "") => Raw($"<p class=\"{Attr(cssClass)}\">{Text(text)}</p>");

    /// <summary>A table: header texts, then rows of cells that are already HTML (use <see cref="Text"/> for plain values).</summary>
    public AdminHtml Table(string id, string[] header, IEnumerable<string[]> rows)
    {
        _html.Append("<table id=\"").Append(Attr(id)).Append("\"><thead><tr>");
        foreach (var h in header) _html.Append("<th>").Append(Text(h)).Append("</th>");
        _html.Append("</tr></thead><tbody>");
        var any = false;
        foreach (var row in rows)
        {
            any = true;
            _html.Append("<tr>");
            foreach (var cell in row) _html.Append("<td>").Append(cell).Append("</td>");
            _html.Append("</tr>");
        }
        if (!any) _html.Append("<tr><td class=\"muted\" colspan=\"").Append(header.Length).Append("\">none</td></tr>");
        _html.Append("</tbody></table>");
        return this;
    }

    public override string ToString() => _html + "</main></body></html>";
}
