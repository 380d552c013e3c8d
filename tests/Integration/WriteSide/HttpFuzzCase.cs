using System.Net.Http.Headers;
using System.Text;

namespace Hybrid.Tests.Integration.WriteSide;

/// <summary>
/// One random request of the HTTP fuzz test and what the adapter must answer: the status, the field a problem
/// document names (null: any or none), and whether the request may write (only accepted commands do).
/// </summary>
internal sealed record HttpFuzzCase(string Kind, string Path, byte[]? Body, string? ContentType, IReadOnlyDictionary<string, string> Headers,
    int Status, string? Field)
{
    /// <summary>True when the request may write events.</summary>
    public bool Writes => Status == 200 && Path.StartsWith("/commands/", StringComparison.Ordinal);

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body);
            request.Content.Headers.ContentType = ContentType is null ? null : MediaTypeHeaderValue.Parse(ContentType);
        }
        foreach (var (name, value) in Headers) request.Headers.TryAddWithoutValidation(name, value);
        return request;
    }

    public override string ToString() =>
        $"{Kind}: POST {Path} [{ContentType}] {string.Join(" ", Headers.Select(h => $"{h.Key}={Shown(h.Value)}"))} "
        + $"body={(Body is null ? "none" : Shown(Encoding.UTF8.GetString(Body)))} → {Status} {Field}";

    private static string Shown(string text) => text.Length <= 80 ? text : $"{text[..80]}…({text.Length})";
}
