using MessagePack;
using MessagePack.Formatters;
using Microsoft.FSharp.Collections;
using Microsoft.FSharp.Core;

namespace Hybrid.Shell.Serialization;

/// <summary>The array encoding F# lists and sets share.</summary>
internal static class ItemArray
{
    public static void Write<T>(ref MessagePackWriter writer, int count, IEnumerable<T> items, MessagePackSerializerOptions options)
    {
        var item = options.Resolver.GetFormatterWithVerify<T>();
        writer.WriteArrayHeader(count);
        foreach (var x in items) item.Serialize(ref writer, x, options);
    }

    public static T[] Read<T>(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var item = options.Resolver.GetFormatterWithVerify<T>();
        var items = new T[reader.ReadArrayHeader()];
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < items.Length; i++) items[i] = item.Deserialize(ref reader, options);
        }
        finally
        {
            reader.Depth--;
        }
        return items;
    }
}

/// <summary>An F# list as a MessagePack array.</summary>
internal sealed class FSharpListFormatter<T> : IMessagePackFormatter<FSharpList<T>>
{
    public void Serialize(ref MessagePackWriter writer, FSharpList<T> value, MessagePackSerializerOptions options) =>
        ItemArray.Write(ref writer, value.Length, value, options);

    public FSharpList<T> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        ListModule.OfArray(ItemArray.Read<T>(ref reader, options));
}

/// <summary>An F# set as a MessagePack array, in the set's order.</summary>
internal sealed class FSharpSetFormatter<T> : IMessagePackFormatter<FSharpSet<T>>
{
    public void Serialize(ref MessagePackWriter writer, FSharpSet<T> value, MessagePackSerializerOptions options) =>
        ItemArray.Write(ref writer, value.Count, value, options);

    public FSharpSet<T> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        SetModule.OfArray(ItemArray.Read<T>(ref reader, options));
}

/// <summary>An F# map as a MessagePack map, in key order.</summary>
internal sealed class FSharpMapFormatter<TKey, TValue> : IMessagePackFormatter<FSharpMap<TKey, TValue>> where TKey : notnull
{
    public void Serialize(ref MessagePackWriter writer, FSharpMap<TKey, TValue> value, MessagePackSerializerOptions options)
    {
        var keys = options.Resolver.GetFormatterWithVerify<TKey>();
        var values = options.Resolver.GetFormatterWithVerify<TValue>();
        writer.WriteMapHeader(value.Count);
        foreach (var kv in value)
        {
            keys.Serialize(ref writer, kv.Key, options);
            values.Serialize(ref writer, kv.Value, options);
        }
    }

    public FSharpMap<TKey, TValue> Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        var keys = options.Resolver.GetFormatterWithVerify<TKey>();
        var values = options.Resolver.GetFormatterWithVerify<TValue>();
        var count = reader.ReadMapHeader();
        var pairs = new Tuple<TKey, TValue>[count];
        options.Security.DepthStep(ref reader);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var key = keys.Deserialize(ref reader, options);
                pairs[i] = Tuple.Create(key, values.Deserialize(ref reader, options));
            }
        }
        finally
        {
            reader.Depth--;
        }
        return MapModule.OfArray(pairs);
    }
}

/// <summary>An F# option: None as nil, Some x as a one-element array (so Some None differs from None).</summary>
internal sealed class FSharpOptionFormatter<T> : IMessagePackFormatter<FSharpOption<T>?>
{
    public void Serialize(ref MessagePackWriter writer, FSharpOption<T>? value, MessagePackSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNil();
            return;
        }
        writer.WriteArrayHeader(1);
        options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, value.Value, options);
    }

    public FSharpOption<T>? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options)
    {
        if (reader.TryReadNil()) return null;
        if (reader.ReadArrayHeader() != 1) throw new MessagePackSerializationException("An option's value must be a one-element array.");
        options.Security.DepthStep(ref reader);
        try
        {
            return FSharpOption<T>.Some(options.Resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options));
        }
        finally
        {
            reader.Depth--;
        }
    }
}
