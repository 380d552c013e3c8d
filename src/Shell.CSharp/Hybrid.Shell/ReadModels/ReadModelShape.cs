using System.Reflection;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.FSharp.Core;
using Microsoft.FSharp.Reflection;

namespace Hybrid.Shell.ReadModels;

/// <summary>
/// The shape of a read model's cached state: a digest of its piece types' structure (record fields and union cases by
/// name, in order, with their types, recursively). Pieces are stored positionally, so a state type changed without a
/// version bump (fields reordered or renamed, a case added) could read back as wrong values; an instance stored under
/// another shape is rebuilt from the log instead.
/// </summary>
internal static class ReadModelShape
{
    /// <summary>The piece name an instance's shape is stored under, beside its pieces (never a model's own piece name).</summary>
    public const string PieceName = "$shape";

    private static readonly FSharpOption<BindingFlags> Flags = FSharpOption<BindingFlags>.Some(BindingFlags.Public | BindingFlags.NonPublic);
    private static readonly ConditionalWeakTable<ReadModelDefinition, byte[]> Digests = new();

    /// <summary>The shape digest of the model's state (computed once per definition).</summary>
    public static byte[] Of(ReadModelDefinition model) => Digests.GetValue(model, Compute);

    private static byte[] Compute(ReadModelDefinition model)
    {
        var text = new StringBuilder();
        foreach (var piece in RepresentativePieces(model.Layout))
        {
            text.Append(piece).Append('=');
            Describe(model.PieceType.Invoke(piece), text, []);
            text.Append('\n');
        }
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    // One piece name of each kind the layout stores (piece types depend on the kind only).
    private static string[] RepresentativePieces(ReadModelLayout layout) => layout switch
    {
        ReadModelLayout.Segmented => [ReadModelRouting.segmentName(0)],
        ReadModelLayout.Partitioned =>
            [ReadModelRouting.ManifestName, ReadModelRouting.indexName(0), ReadModelRouting.partitionName("")],
        _ => [ReadModelRouting.StateName],
    };

    private static void Describe(Type type, StringBuilder text, HashSet<Type> open)
    {
        if (!open.Add(type))
        {
            text.Append("rec ").Append(NameOf(type));
            return;
        }
        try
        {
            if (type.IsArray)
            {
                text.Append("array(");
                Describe(type.GetElementType()!, text, open);
                text.Append(')');
            }
            else if (type.IsEnum)
            {
                text.Append("enum ").Append(NameOf(type)).Append('{');
                foreach (var name in Enum.GetNames(type))
                    text.Append(name).Append('=').Append(Convert.ToInt64(Enum.Parse(type, name), System.Globalization.CultureInfo.InvariantCulture)).Append(';');
                text.Append('}');
            }
            else if (FSharpType.IsRecord(type, Flags))
            {
                text.Append("record ").Append(NameOf(type)).Append('{');
                foreach (var field in FSharpType.GetRecordFields(type, Flags)) Field(field, text, open);
                text.Append('}');
            }
            else if (FSharpType.IsUnion(type, Flags))
            {
                text.Append("union ").Append(NameOf(type)).Append('{');
                foreach (var @case in FSharpType.GetUnionCases(type, Flags))
                {
                    text.Append(@case.Name).Append('(');
                    foreach (var field in @case.GetFields()) Field(field, text, open);
                    text.Append(')');
                }
                text.Append('}');
            }
            else if (type.IsGenericType)
            {
                text.Append(NameOf(type)).Append('<');
                foreach (var argument in type.GetGenericArguments())
                {
                    Describe(argument, text, open);
                    text.Append(',');
                }
                text.Append('>');
            }
            else
            {
                text.Append(NameOf(type));
            }
        }
        finally
        {
            open.Remove(type);
        }
    }

    private static void Field(PropertyInfo field, StringBuilder text, HashSet<Type> open)
    {
        text.Append(field.Name).Append(':');
        Describe(field.PropertyType, text, open);
        text.Append(';');
    }

    private static string NameOf(Type type) =>
        (type.IsGenericType ? type.GetGenericTypeDefinition().FullName : type.FullName) ?? type.Name;
}
