using System.Reflection;
using MessagePack;
using MessagePack.Formatters;
using Microsoft.FSharp.Core;
using Microsoft.FSharp.Reflection;

namespace Hybrid.Shell.Serialization;

/// <summary>An F# union value as an array: the case tag, then the case's fields.</summary>
internal sealed class FSharpUnionFormatter<T> : IMessagePackFormatter<T>
{
    private static readonly FSharpOption<BindingFlags> Flags = FSharpOption<BindingFlags>.Some(BindingFlags.Public | BindingFlags.NonPublic);
    private readonly FSharpFunc<object, int> _tagOf = FSharpValue.PreComputeUnionTagReader(typeof(T), Flags);
    private readonly Case[] _cases = FSharpType.GetUnionCases(typeof(T), Flags).Select(c => new Case(c)).ToArray();

    private sealed class Case(UnionCaseInfo info)
    {
        public readonly FSharpFunc<object, object[]> Read = FSharpValue.PreComputeUnionReader(info, Flags);
        public readonly FSharpFunc<object[], object> Construct = FSharpValue.PreComputeUnionConstructor(info, Flags);
        public readonly FieldCodec[] Fields = info.GetFields().Select(f => FieldCodec.For(f.PropertyType)).ToArray();
    }

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        // Unions compiled with null as a case's representation are legitimately null: the tag reader handles it.
        var tag = _tagOf.Invoke(value!);
        var @case = _cases[tag];
        var values = @case.Fields.Length == 0 ? [] : @case.Read.Invoke(value!);
        writer.WriteArrayHeader(values.Length + 1);
        writer.Write(tag);
        for (var i = 0; i < values.Length; i++) @case.Fields[i].Serialize(ref writer, values[i], options);
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return default!;
        var count = reader.ReadArrayHeader();
        var tag = reader.ReadInt32();
        if (tag < 0 || tag >= _cases.Length || count != _cases[tag].Fields.Length + 1)
            throw new MessagePackSerializationException($"Union {typeof(T).Name} has no case {tag} with {count - 1} fields.");
        var @case = _cases[tag];
        var values = new object?[@case.Fields.Length];
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < values.Length; i++) values[i] = @case.Fields[i].Deserialize(ref reader, options);
        }
        finally
        {
            reader.Depth--;
        }
        return (T)@case.Construct.Invoke(values!);
    }
}
