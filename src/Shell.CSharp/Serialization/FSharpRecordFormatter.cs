using System.Reflection;
using MessagePack;
using MessagePack.Formatters;
using Microsoft.FSharp.Core;
using Microsoft.FSharp.Reflection;

namespace Hybrid.Shell.Serialization;

/// <summary>An F# record as an array of its fields in declaration order; a null reference record as nil.</summary>
internal sealed class FSharpRecordFormatter<T> : IMessagePackFormatter<T>
{
    private static readonly FSharpOption<BindingFlags> Flags = FSharpOption<BindingFlags>.Some(BindingFlags.Public | BindingFlags.NonPublic);
    private readonly FSharpFunc<object, object[]> _read = FSharpValue.PreComputeRecordReader(typeof(T), Flags);
    private readonly FSharpFunc<object[], object> _construct = FSharpValue.PreComputeRecordConstructor(typeof(T), Flags);
    private readonly FieldCodec[] _fields = FSharpType.GetRecordFields(typeof(T), Flags).Select(f => FieldCodec.For(f.PropertyType)).ToArray();

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        var values = _read.Invoke(value);
        writer.WriteArrayHeader(values.Length);
        for (var i = 0; i < values.Length; i++) _fields[i].Serialize(ref writer, values[i], options);
    }

    public T Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return default!;
        var count = reader.ReadArrayHeader();
        if (count != _fields.Length)
            throw new MessagePackSerializationException($"Record {typeof(T).Name} has {_fields.Length} fields but the data has {count}.");
        var values = new object?[count];
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < count; i++) values[i] = _fields[i].Deserialize(ref reader, options);
        }
        finally
        {
            reader.Depth--;
        }
        return (T)_construct.Invoke(values!);
    }
}
