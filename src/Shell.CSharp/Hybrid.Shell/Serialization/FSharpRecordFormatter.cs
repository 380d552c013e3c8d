using System.Linq.Expressions;
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
    private static readonly PropertyInfo[] Properties = FSharpType.GetRecordFields(typeof(T), Flags);
    private readonly Func<T, object?>[] _getters = Properties.Select(Getter).ToArray();
    private readonly Func<object?[], T> _construct = Constructor();
    private readonly FieldCodec[] _fields = Properties.Select(f => FieldCodec.For(f.PropertyType)).ToArray();

    // Compiled once per record type: reflection's Invoke would cost more than the serialization itself.
    private static Func<T, object?> Getter(PropertyInfo property)
    {
        var record = Expression.Parameter(typeof(T));
        return Expression.Lambda<Func<T, object?>>(Expression.Convert(Expression.Property(record, property), typeof(object)), record).Compile();
    }

    private static Func<object?[], T> Constructor()
    {
        var ctor = FSharpValue.PreComputeRecordConstructorInfo(typeof(T), Flags);
        var values = Expression.Parameter(typeof(object[]));
        var args = ctor.GetParameters().Select((p, i) =>
            (Expression)Expression.Convert(Expression.ArrayIndex(values, Expression.Constant(i)), p.ParameterType));
        return Expression.Lambda<Func<object?[], T>>(Expression.New(ctor, args), values).Compile();
    }

    public void Serialize(ref MessagePackWriter writer, T value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(_getters.Length);
        for (var i = 0; i < _getters.Length; i++) _fields[i].Serialize(ref writer, _getters[i](value), options);
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
        return _construct(values);
    }
}
