namespace Hybrid.Shell.Http;

/// <summary>
/// One entity tag as RFC 9110 (8.8.3) writes it: <c>"opaque"</c>, or <c>W/"opaque"</c> for a weak one, the opaque part
/// of visible characters other than the double quote. <c>If-Match</c> compares tags strongly (13.1.1): a weak tag
/// matches nothing.
/// </summary>
/// <param name="Opaque">The characters between the quotes.</param>
/// <param name="Weak">Whether the tag is marked weak (<c>W/</c>).</param>
internal sealed record EntityTag(string Opaque, bool Weak)
{
    /// <summary>The tag that <paramref name="value"/> is, trimmed; null when it is not one entity tag (a list is not).</summary>
    public static EntityTag? Parse(string value)
    {
        var text = value.Trim();
        var weak = text.StartsWith("W/", StringComparison.Ordinal);
        var quoted = weak ? text[2..] : text;
        if (quoted.Length < 2 || quoted[0] != '"' || quoted[^1] != '"') return null;
        var opaque = quoted[1..^1];
        return opaque.All(IsTagCharacter) ? new EntityTag(opaque, weak) : null;
    }

    // etagc = %x21 / %x23-7E / obs-text
    private static bool IsTagCharacter(char c) => c == '!' || (c >= '#' && c <= '~') || c >= '\u0080';
}
