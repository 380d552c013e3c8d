using System.Text;

namespace Hybrid.Shell.GraphQL;

/// <summary>GraphQL names (<c>[_A-Za-z][_0-9A-Za-z]*</c>) made from definition, type and property names.</summary>
internal static class GraphQLNames
{
    /// <summary>The name with every other character replaced by '_', and a leading '_' when it starts with a digit.</summary>
    public static string Sanitize(string name)
    {
        var text = new StringBuilder(name.Length + 1);
        foreach (var c in name) text.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        if (text.Length == 0 || char.IsAsciiDigit(text[0])) text.Insert(0, '_');
        if (text.Length > 1 && text[0] == '_' && text[1] == '_') text[0] = 'x'; // "__" is reserved for introspection
        return text.ToString();
    }
}
