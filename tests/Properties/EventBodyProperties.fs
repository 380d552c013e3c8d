// A body read as UTF-8 bytes is the same body as its text: text, bytes, equality and hashing agree whichever way
// it was made, so stores that keep bodies undecoded return events equal to those of stores that keep text.
module Hybrid.Tests.Properties.EventBodyProperties

open System
open System.Text
open FsCheck
open FsCheck.Xunit
open Hybrid

let private ofBytes (text: string) =
    // A slice in the middle of a larger buffer, as a store's reader hands it over.
    let bytes = Encoding.UTF8.GetBytes text
    let buffer = Array.concat [ [| 1uy; 2uy |]; bytes; [| 3uy |] ]
    EventBody.OfUtf8(ReadOnlyMemory(buffer, 2, bytes.Length))

let private json (NonNull(s: string)) =
    // Any text as a JSON string (lone surrogates would not survive UTF-8, and a store rejects them anyway).
    let valid = String(s.ToCharArray() |> Array.filter (fun c -> not (Char.IsSurrogate c)))
    Text.Json.JsonSerializer.Serialize(valid + " é 😀")

[<Property>]
let ``a body read as UTF-8 decodes to the text it was written as`` (s: NonNull<string>) =
    let text = json s
    (ofBytes text).Text = text && Encoding.UTF8.GetString((EventBody.OfText text).Utf8.Span) = text

[<Property>]
let ``bodies made from text and from bytes of the same JSON are equal with equal hashes`` (s: NonNull<string>) =
    let text = json s
    let fromText, fromBytes, otherBytes = EventBody.OfText text, ofBytes text, ofBytes text
    // Undecoded byte bodies compare by bytes; after decoding, by text: both ways agree.
    fromBytes.Equals otherBytes
    && fromText.Equals fromBytes && fromBytes.Equals fromText
    && fromText.GetHashCode() = fromBytes.GetHashCode()
    && compare fromText fromBytes = 0

[<Property>]
let ``bodies of different JSON are not equal`` (a: NonNull<string>) (b: NonNull<string>) =
    let ta, tb = json a, json b
    ta = tb || (not ((ofBytes ta).Equals(ofBytes tb)) && not ((EventBody.OfText ta).Equals(ofBytes tb)))

[<Property>]
let ``events that differ only in how their body is held are equal`` (s: NonNull<string>) =
    let text = json s
    let e = (Generators.record "t1" [ { Type = "T"; Tags = [||]; Stream = null; Body = text; SchemaVersion = 1 } ]).Head
    { e with Content = ofBytes text } = e && e.Body = text && (e.WithBody "{}").Body = "{}"

/// A body shape for the deserialization property.
type BodyItem = { Item: int; Note: string }

[<Property>]
let ``a body read from its bytes deserializes as its text does`` (n: int) (s: NonNull<string>) =
    let text = Text.Json.JsonSerializer.Serialize({ Item = n; Note = json s }, JsonPayload.options)
    let fromText: BodyItem option = JsonPayload.tryRead text
    fromText = Some { Item = n; Note = json s }
    && JsonPayload.tryReadBody (ofBytes text) = fromText
    && JsonPayload.tryReadBody (EventBody.OfText text) = fromText
    && (JsonPayload.tryReadBody (ofBytes "{not json") : BodyItem option) = None
