// The JSON body of a recorded event, kept as the store read it (UTF-8 bytes) until something asks for its text:
// a rebuild folding events by their type and tags never pays for turning bodies into strings.
namespace Hybrid

open System
open System.Text

/// <summary>
/// The JSON body of a recorded event: either text (an event appended in this process) or the UTF-8 bytes a store
/// read, decoded to text on first use of <see cref="P:Hybrid.EventBody.Text"/> and kept. Deserializers can read
/// <see cref="P:Hybrid.EventBody.Utf8"/> directly, which is cheaper than reading the text. Immutable; equal when
/// the JSON texts are equal.
/// </summary>
[<Sealed>]
type EventBody private (utf8: ReadOnlyMemory<byte>, isText: bool, text: string) =
    // Written at most once each (any racing writer writes an equal value): the decoded text, the encoded bytes.
    [<VolatileField>]
    let mutable decoded = text
    [<VolatileField>]
    let mutable encoded: byte[] = null

    /// A body of JSON text.
    static member OfText(text: string) = EventBody(ReadOnlyMemory.Empty, true, text)

    /// <summary>
    /// A body of UTF-8 JSON bytes, decoded when its text is first asked for. The memory must not change afterwards
    /// (a store hands over a slice of a buffer it never reuses).
    /// </summary>
    static member OfUtf8(utf8: ReadOnlyMemory<byte>) = EventBody(utf8, false, null)

    /// The body as JSON text (decoded from UTF-8 on first use, then kept).
    member _.Text: string =
        match decoded with
        | null when not isText ->
            let t = Encoding.UTF8.GetString utf8.Span
            decoded <- t
            t
        | t -> t

    /// The body as UTF-8 JSON bytes (encoded on first use when the body was given as text); empty for a null text.
    member _.Utf8: ReadOnlyMemory<byte> =
        if not isText then utf8
        else
            match encoded with
            | null ->
                let b = if isNull decoded then Array.Empty<byte>() else Encoding.UTF8.GetBytes decoded
                encoded <- b
                ReadOnlyMemory b
            | b -> ReadOnlyMemory b

    /// True when the text is already at hand (given as text, or decoded already).
    member _.IsDecoded = isText || not (isNull decoded)

    override this.Equals(other: obj) =
        match other with
        | :? EventBody as o when not this.IsDecoded && not o.IsDecoded -> MemoryExtensions.SequenceEqual(this.Utf8.Span, o.Utf8.Span)
        | :? EventBody as o -> String.Equals(this.Text, o.Text, StringComparison.Ordinal)
        | _ -> false

    override this.GetHashCode() = match this.Text with null -> 0 | t -> t.GetHashCode()

    /// The JSON text.
    override this.ToString() = this.Text

    interface IEquatable<EventBody> with
        member this.Equals(other: EventBody) = this.Equals(box other)

    interface IComparable with
        member this.CompareTo(other: obj) =
            match other with
            | :? EventBody as o -> String.CompareOrdinal(this.Text, o.Text)
            | null -> 1
            | _ -> invalidArg (nameof other) "An EventBody compares only with an EventBody."
