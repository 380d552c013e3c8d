using System.Reflection;
using MessagePack;
using MessagePack.Formatters;
using MessagePack.Resolvers;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;
using Microsoft.FSharp.Reflection;

namespace Hybrid.Shell.Serialization;

/// <summary>
/// MessagePack formatters for F# types: records (an array of their fields), unions (an array of the case tag and its
/// fields), lists, sets (arrays), maps (MessagePack maps) and options (nil or a one-element array, so that
/// <c>Some None</c> and <c>None</c> stay distinct). Other types are left to the next resolver.
/// </summary>
public sealed class FSharpResolver : IFormatterResolver
{
    /// <summary>The one instance.</summary>
    public static readonly FSharpResolver Instance = new();

    /// <summary>Options resolving F# types first, then everything MessagePack's standard resolver knows.</summary>
    public static readonly MessagePackSerializerOptions Options =
        MessagePackSerializerOptions.Standard.WithResolver(CompositeResolver.Create(Instance, StandardResolver.Instance));

    private FSharpResolver() { }

    /// <inheritdoc />
    public IMessagePackFormatter<T>? GetFormatter<T>() => Cache<T>.Formatter;

    private static class Cache<T>
    {
        public static readonly IMessagePackFormatter<T>? Formatter = (IMessagePackFormatter<T>?)Create(typeof(T));
    }

    private const BindingFlags AllMembers = BindingFlags.Public | BindingFlags.NonPublic;

    private static object? Create(Type type)
    {
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            var args = type.GetGenericArguments();
            if (definition == typeof(FSharpList<>)) return Make(typeof(FSharpListFormatter<>), args);
            if (definition == typeof(FSharpSet<>)) return Make(typeof(FSharpSetFormatter<>), args);
            if (definition == typeof(FSharpMap<,>)) return Make(typeof(FSharpMapFormatter<,>), args);
            if (definition == typeof(FSharpOption<>)) return Make(typeof(FSharpOptionFormatter<>), args);
        }
        var flags = FSharpOption<BindingFlags>.Some(AllMembers);
        if (FSharpType.IsRecord(type, flags)) return Make(typeof(FSharpRecordFormatter<>), [type]);
        if (FSharpType.IsUnion(type, flags)) return Make(typeof(FSharpUnionFormatter<>), [type]);
        return null;
    }

    private static object Make(Type generic, Type[] args) => Activator.CreateInstance(generic.MakeGenericType(args))!;
}
