using System.Net.Sockets;
using System.Text;

namespace Hybrid.Tests.Integration.Edges;

/// <summary>
/// Sends a request as raw HTTP/1.1 text over a socket, for what HttpClient will not send as is (a header line
/// repeated, say), and answers the status and the body.
/// </summary>
internal static class RawHttp
{
    public static async Task<(int Status, string Head, string Body)> Send(Uri server, string method, string path, string body, params string[] headerLines)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        await using var stream = client.GetStream();
        var bytes = Encoding.UTF8.GetBytes(body);
        var request = new StringBuilder()
            .Append($"{method} {path} HTTP/1.1\r\nHost: {server.Authority}\r\nConnection: close\r\n")
            .Append($"Content-Type: application/json\r\nContent-Length: {bytes.Length}\r\n");
        foreach (var line in headerLines) request.Append(line).Append("\r\n");
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()));
        await stream.WriteAsync(bytes);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = await reader.ReadToEndAsync();
        var split = response.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = response[..split];
        var status = int.Parse(head.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var content = response[(split + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
            content = content.IndexOf('{') is var start and >= 0 ? content[start..(content.LastIndexOf('}') + 1)] : ""; // one JSON chunk
        return (status, head, content);
    }
}
