// The JSON conventions of payloads: F# records, unions, options and lists round-trip; requests are read strictly,
// with errors that name the field in the caller's terms.
module Hybrid.Tests.Properties.WriteSide.JsonPayloadProperties

open System.Text.Json.Serialization
open FsCheck.Xunit
open Hybrid
open Xunit

type Size =
    | Small
    | Large

type Detail = { Label: string; Weight: int }

type Shape =
    | Square
    | Circle of radius: float
    | Labelled of Detail
    | Rect of width: int * height: int

type Email = Email of string

type Order =
    { Id: string
      Shape: Shape
      Sizes: Size list
      Note: string option
      Contact: Email
      Extras: Detail array }

[<JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)>]
type Lenient = { Name: string }

let private parse json = JsonPayload.parse<Order> json

let private errorOf json =
    match parse json with
    | Ok value -> failwith $"Expected an error, parsed {value}"
    | Error e -> e

let private valid =
    """{"id":"o-1","shape":{"Circle":2.5},"sizes":["Small","Large"],"note":null,"contact":"a@b.org","extras":[{"label":"x","weight":1}]}"""

[<Property(MaxTest = 300)>]
let ``F# records, unions, options and lists round-trip through a payload`` (order: Order) =
    let noNulls = not (isNull order.Id) && order.Extras <> null && order.Extras |> Array.forall (fun d -> not (obj.ReferenceEquals(d, null)))
    let finite = match order.Shape with Circle r -> System.Double.IsFinite r | _ -> true // JSON has no infinities
    let json = if noNulls && finite then JsonPayload.serialize order else ""
    // A NUL character is not text: a payload holding one is refused, naming the field.
    let holdsNul = json.Contains "\\u0000"
    not noNulls || not finite
    || (if holdsNul then (match parse json with Error e -> e.Message.Contains "NUL character" | Ok _ -> false) else parse json = Ok order)

[<Fact>]
let ``a union case is an object named after the case and a fieldless case is its name`` () =
    let json = JsonPayload.serialize { Id = "o"; Shape = Rect(2, 3); Sizes = [ Small ]; Note = Some "n"; Contact = Email "e"; Extras = [||] }
    Assert.Contains("\"shape\":{\"Rect\":{\"width\":2,\"height\":3}}", json)
    Assert.Contains("\"sizes\":[\"Small\"]", json)
    Assert.Contains("\"contact\":\"e\"", json)
    Assert.True((parse valid).IsOk)

[<Fact>]
let ``output keeps apostrophes and non-ASCII letters as they are`` () =
    Assert.Equal("\"l'été à Zürich\"", JsonPayload.serialize "l'été à Zürich")

[<Fact>]
let ``an unknown field is refused naming it`` () =
    let e = errorOf (valid.Replace("\"id\":\"o-1\"", "\"id\":\"o-1\",\"colour\":\"red\""))
    Assert.Equal("colour", e.Field)
    Assert.Equal("'colour' is not a field of this request.", e.Message)

[<Fact>]
let ``an unknown field inside a record case of a union is refused naming it`` () =
    let e = errorOf (valid.Replace("{\"Circle\":2.5}", "{\"Labelled\":{\"label\":\"l\",\"weight\":1,\"extra\":0}}"))
    // The union converter reads the case's record on its own, so the path starts at the record.
    Assert.EndsWith("extra", e.Field)
    Assert.Equal($"'{e.Field}' is not a field of this request.", e.Message)

[<Fact>]
let ``a payload type can accept unknown fields`` () =
    Assert.Equal(Ok { Name = "n" }, JsonPayload.parse<Lenient> """{"name":"n","other":1}""")

[<Fact>]
let ``a missing field is refused naming it, and a missing option reads as None`` () =
    let e = errorOf (valid.Replace("\"id\":\"o-1\",", ""))
    Assert.Equal("id", e.Field)
    Assert.Equal("'id' is required.", e.Message)
    match parse (valid.Replace("\"note\":null,", "")) with
    | Ok order -> Assert.Equal(None, order.Note)
    | Error e -> failwith e.Message

[<Fact>]
let ``a value of the wrong kind is refused naming the field and what it must be`` () =
    let e = errorOf (valid.Replace("\"weight\":1", "\"weight\":\"1\""))
    Assert.Equal("extras[0].weight", e.Field)
    Assert.Equal("'extras[0].weight' must be a whole number.", e.Message)

[<Fact>]
let ``an unknown union case is refused naming the field and the cases`` () =
    let e = errorOf (valid.Replace("{\"Circle\":2.5}", "\"Hexagon\""))
    Assert.Equal("shape", e.Field)
    Assert.Contains("'Square', 'Circle', 'Labelled', 'Rect'", e.Message)
    Assert.DoesNotContain("Hybrid.", e.Message)

[<Fact>]
let ``truncated JSON is refused as not well-formed`` () =
    let e = errorOf (valid.Substring(0, 30))
    Assert.Equal("body", e.Field)
    Assert.StartsWith("The body is not well-formed JSON", e.Message)

[<Fact>]
let ``an empty or null body is refused`` () =
    Assert.Equal("body", (errorOf "").Field)
    Assert.Equal("body", (errorOf "null").Field)
    Assert.Equal("body", (errorOf "[1,2]").Field)

[<Fact>]
let ``a field given twice is refused naming it, whatever the case of its second spelling`` () =
    let e = errorOf (valid.Replace("\"id\":\"o-1\"", "\"id\":\"o-1\",\"Id\":\"o-2\""))
    Assert.Equal("Id", e.Field)
    Assert.Equal("'Id' is given more than once: send each field once.", e.Message)
    let nested = errorOf (valid.Replace("\"weight\":1", "\"weight\":1,\"weight\":2"))
    Assert.Equal("extras[0].weight", nested.Field)

[<Fact>]
let ``a body nested deeper than the limit is refused as too deep, not as malformed`` () =
    let deep = String.replicate 100 "[" + String.replicate 100 "]"
    let e = errorOf (valid.Replace("\"sizes\":[\"Small\",\"Large\"]", $"\"sizes\":{deep}"))
    Assert.Equal("body", e.Field)
    Assert.StartsWith("The body nests objects and lists deeper than 64 levels", e.Message)

[<Fact>]
let ``a whole number outside its type's range is refused naming the range`` () =
    let e = errorOf (valid.Replace("\"weight\":1", "\"weight\":99999999999"))
    Assert.Equal("extras[0].weight", e.Field)
    Assert.Equal("'extras[0].weight' must be a whole number from -2147483648 to 2147483647, not 99999999999.", e.Message)
    Assert.Equal("'extras[0].weight' must be a whole number.", (errorOf (valid.Replace("\"weight\":1", "\"weight\":1.5"))).Message)

[<Fact>]
let ``a string holding half of a surrogate pair is refused as not text`` () =
    let e = errorOf (valid.Replace("\"o-1\"", "\"o\\ud800-1\""))
    Assert.Equal("id", e.Field)
    Assert.Contains("without its other half: it is not text", e.Message)

[<Fact>]
let ``a field the core names in dotnet terms is named as the request's json names it, indexes and keys kept`` () =
    Assert.Equal("condition.query.items[0].tags[1]", PayloadErrors.jsonField "condition.query.Items[0].Tags[1]")
    Assert.Equal("events[0].type", PayloadErrors.jsonField "events[0].Type")
    Assert.Equal("metadata.fields[hybrid.Fingerprint]", PayloadErrors.jsonField "metadata.Fields[hybrid.Fingerprint]")
    Assert.Equal("extras[0].weight", PayloadErrors.jsonField "extras[0].weight")
    Assert.Equal("If-Match", PayloadErrors.jsonField "If-Match")

[<Property>]
let ``naming a field as the json does twice names it as once, and keeps its shape`` (steps: (string * int option) list) =
    let field =
        steps
        |> List.map (fun (name, index) ->
            let name = System.String(name |> Option.ofObj |> Option.defaultValue "" |> Seq.filter System.Char.IsAsciiLetterOrDigit |> Array.ofSeq)
            let name = if name = "" then "x" else name
            match index with
            | Some i -> $"{name}[{abs i}]"
            | None -> name)
        |> String.concat "."
    let once = PayloadErrors.jsonField field
    PayloadErrors.jsonField once = once
    && once.Length = field.Length
    && once.ToLowerInvariant() = field.ToLowerInvariant()
