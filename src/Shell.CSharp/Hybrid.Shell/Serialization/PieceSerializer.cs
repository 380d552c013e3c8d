using MessagePack;

namespace Hybrid.Shell.Serialization;

/// <summary>Serializes read-model pieces (typed by the model's PieceType) with the F# resolver.</summary>
public static class PieceSerializer
{
    /// <summary>The piece's MessagePack bytes.</summary>
    public static byte[] Serialize(Type type, object? value) =>
        MessagePackSerializer.Serialize(type, value, FSharpResolver.Options);

    /// <summary>The piece read back; throws a MessagePackSerializationException on bytes of another shape.</summary>
    public static object? Deserialize(Type type, ReadOnlyMemory<byte> bytes) =>
        MessagePackSerializer.Deserialize(type, bytes, FSharpResolver.Options);

    /// <summary>A typed value's MessagePack bytes.</summary>
    public static byte[] Serialize<T>(T value) => MessagePackSerializer.Serialize(value, FSharpResolver.Options);

    /// <summary>A typed value read back.</summary>
    public static T Deserialize<T>(ReadOnlyMemory<byte> bytes) => MessagePackSerializer.Deserialize<T>(bytes, FSharpResolver.Options);
}
