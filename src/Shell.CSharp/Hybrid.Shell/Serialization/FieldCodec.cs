using MessagePack;

namespace Hybrid.Shell.Serialization;

/// <summary>Writes and reads one boxed field of a known type through the resolver's typed formatter.</summary>
internal abstract class FieldCodec
{
    public abstract void Serialize(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options);

    public abstract object? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options);

    public static FieldCodec For(Type type) =>
        (FieldCodec)Activator.CreateInstance(typeof(FieldCodec<>).MakeGenericType(type))!;
}

internal sealed class FieldCodec<T> : FieldCodec
{
    public override void Serialize(ref MessagePackWriter writer, object? value, MessagePackSerializerOptions options) =>
        options.Resolver.GetFormatterWithVerify<T>().Serialize(ref writer, (T)value!, options);

    public override object? Deserialize(ref MessagePackReader reader, MessagePackSerializerOptions options) =>
        options.Resolver.GetFormatterWithVerify<T>().Deserialize(ref reader, options);
}
