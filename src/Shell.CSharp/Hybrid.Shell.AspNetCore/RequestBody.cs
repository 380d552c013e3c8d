using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Hybrid.Shell.Http;

/// <summary>A request's JSON text, or the problem that kept it from being read (415, 413 or 400).</summary>
internal sealed record RequestBody(string? Json, Dictionary<string, object?>? Problem, int Status)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Reads the body as UTF-8 JSON: the Content-Type must be <c>application/json</c> (or a <c>+json</c> type) with
    /// no charset other than UTF-8, the body not content-encoded, and at most <paramref name="maxBytes"/> bytes.
    /// </summary>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken ct)
    {
        if (!IsJson(request.ContentType))
            return new(null, Problems.UnsupportedMediaType(request.ContentType), StatusCodes.Status415UnsupportedMediaType);
        if (Encoded(request) is { } coding)
            return new(null, Problems.UnsupportedEncoding(coding), StatusCodes.Status415UnsupportedMediaType);
        if (request.ContentLength > maxBytes) return TooLarge(maxBytes);

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1, 64 * 1024));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > maxBytes) return TooLarge(maxBytes);
                    var larger = ArrayPool<byte>.Shared.Rent((int)Math.Min(maxBytes + 1, (long)buffer.Length * 2));
                    buffer.AsSpan(0, length).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, buffer.Length - length), ct).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > maxBytes) return TooLarge(maxBytes);
            }
            var bytes = buffer.AsSpan(0, length);
            if (bytes.StartsWith("\uFEFF"u8)) bytes = bytes[3..];
            try
            {
                return new(StrictUtf8.GetString(bytes), null, StatusCodes.Status200OK);
            }
            catch (DecoderFallbackException)
            {
                return new(null, Problems.Invalid(new Validation.Error("body", "The body is not valid UTF-8.")), StatusCodes.Status400BadRequest);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The Content-Encoding of a body sent encoded (gzip, say), which is not read (RFC 9110: 415); null when there is
    /// none or only <c>identity</c>. Decoding it as UTF-8 text would call the body malformed instead.
    /// </summary>
    private static string? Encoded(HttpRequest request)
    {
        var coding = request.Headers.ContentEncoding.ToString().Trim();
        return coding.Length == 0 || coding.Equals("identity", StringComparison.OrdinalIgnoreCase) ? null : coding;
    }

    private static RequestBody TooLarge(long maxBytes) => new(null, Problems.TooLarge(maxBytes), StatusCodes.Status413PayloadTooLarge);

    private static bool IsJson(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType) || !MediaTypeHeaderValue.TryParse(contentType, out var media)) return false;
        var type = media.MediaType.Value ?? "";
        var json = type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        var charset = media.Charset.Value;
        return json && (charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase));
    }
}
