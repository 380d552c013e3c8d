// MessagePack round trips of F# records, unions, lists, maps, sets and options through the F# resolver.
module Hybrid.Tests.Properties.MessagePackProperties

open FsCheck.Xunit
open Hybrid.Shell.Serialization

type Shape =
    | Empty
    | Circle of radius: float
    | Rect of width: int * height: int
    | Labelled of label: string * inner: Shape

type Inner =
    { Name: string
      Tags: Set<string>
      Scores: Map<string, int>
      Maybe: int option option
      Bytes: byte[] }

type Outer =
    { Id: int64
      Items: Inner list
      Shape: Shape
      Nested: Map<int, Shape list>
      Choice: Result<string, int>
      Pair: int * string
      Flag: bool }

[<Struct>]
type StructRecord = { X: int; Y: decimal }

// Equal, or (for values holding NaN, which equality never matches) printed alike and serialized to the same bytes.
let private same (back: obj) (value: obj) (bytes: byte[]) (backBytes: byte[]) =
    obj.Equals(back, value) || (isNull back && isNull value) || (sprintf "%A" back = sprintf "%A" value && backBytes = bytes)

let private roundTrips (value: 'T) =
    let bytes = PieceSerializer.Serialize<'T> value
    let back = PieceSerializer.Deserialize<'T>(System.ReadOnlyMemory bytes)
    same (box back) (box value) bytes (PieceSerializer.Serialize<'T> back)

let private typedRoundTrips (value: 'T) =
    let bytes = PieceSerializer.Serialize(typeof<'T>, box value)
    let back = PieceSerializer.Deserialize(typeof<'T>, System.ReadOnlyMemory bytes)
    same back (box value) bytes (PieceSerializer.Serialize(typeof<'T>, back))

[<Property(MaxTest = 200)>]
let ``records of unions, lists, maps, sets and options round-trip`` (value: Outer) = roundTrips value && typedRoundTrips value

[<Property>]
let ``unions round-trip`` (value: Shape) = roundTrips value

[<Property>]
let ``maps of records round-trip`` (value: Map<string, Inner>) = roundTrips value

[<Property>]
let ``nested options round-trip and stay distinct`` (value: int option option option) = roundTrips value

[<Property>]
let ``lists and sets round-trip`` (list: string list) (set: Set<int64>) = roundTrips list && roundTrips set

[<Property>]
let ``struct records and value options round-trip`` (value: StructRecord) (v: ValueOption<string>) = roundTrips value && roundTrips v

[<Xunit.Fact>]
let ``Some None and None serialize differently`` () =
    let some = PieceSerializer.Serialize<int option option>(Some None)
    let none = PieceSerializer.Serialize<int option option> None
    Xunit.Assert.NotEqual<byte[]>(none, some)
    Xunit.Assert.Equal(Some None, PieceSerializer.Deserialize<int option option>(System.ReadOnlyMemory some))
