// Validation of event data and identifiers: valid input passes, and each kind of bad input is named by its field.
module Hybrid.Tests.Properties.ValidationProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators

let private limits = InputLimits.Default

// F# string literals turn a lone surrogate escape into U+FFFD: lone surrogates are built from their code.
let private high = string (char 0xD800)
let private low = string (char 0xDC00)

let private fieldOf result =
    match result with
    | Ok() -> None
    | Error(e: Validation.Error) -> Some e.Field

/// JSON values built from generated data through a real serializer: objects, arrays, strings, numbers, literals.
let private genJson =
    let scalar =
        Gen.oneof
            [ Gen.choose (-1000, 1000) |> Gen.map box
              Gen.elements [ "plain"; "with \"quotes\""; "ünïcödé"; "line\nbreak"; "" ] |> Gen.map box
              Gen.elements [ true; false ] |> Gen.map box
              Gen.constant (null: obj) ]
    Gen.oneof
        [ scalar
          Gen.listOf scalar |> Gen.map (List.toArray >> box)
          Gen.listOf (Gen.zip (Gen.elements [ "a"; "b"; "c" ]) scalar) |> Gen.map (fun kvs -> box (dict (List.distinctBy fst kvs))) ]
    |> Gen.map (fun value -> Text.Json.JsonSerializer.Serialize value)

let private validEvent =
    gen {
        let! data = genEventData
        let! body = genJson
        return { data with Body = body }
    }

/// A valid event and one way to break it, with the field the error must name.
let private corruptions: (string * (EventData -> EventData)) list =
    [ "Type", fun d -> { d with Type = "" }
      "Type", fun d -> { d with Type = " \t" }
      "Type", fun d -> { d with Type = String('x', 201) }
      "Body", fun d -> { d with Body = null }
      "Body", fun d -> { d with Body = "" }
      "Body", fun d -> { d with Body = "{\"unclosed\":" }
      "Body", fun d -> { d with Body = "not json" }
      "Body", fun d -> { d with Body = "{} {}" }
      "Body", fun d -> { d with Body = "\"" + String('x', limits.MaxBodyBytes) + "\"" }
      "SchemaVersion", fun d -> { d with SchemaVersion = 0 }
      "Tags", fun d -> { d with Tags = null }
      "Tags", fun d -> { d with Tags = Array.init (limits.MaxTags + 1) (fun i -> $"k:{i}") }
      "Tags[0]", fun d -> { d with Tags = [| "nocolon" |] }
      "Tags[1]", fun d -> { d with Tags = [| "k:1"; ":id" |] }
      "Tags[0]", fun d -> { d with Tags = [| "kind:" |] }
      "Stream", fun d -> { d with Stream = "" }
      "Stream", fun d -> { d with Stream = "$all" }
      "Stream", fun d -> { d with Stream = "$reserved" }
      "Stream", fun d -> { d with Stream = "bad\u0001stream" }
      "Stream", fun d -> { d with Stream = String('s', 201) }
      "Type", fun d -> { d with Type = Purging.PurgedType }
      "Type", fun d -> { d with Type = Purging.AuditType }
      "Type", fun d -> { d with Type = "$" + d.Type }
      "Type", fun d -> { d with Type = "Order\nCreated" }
      "Type", fun d -> { d with Type = "Order Created" }
      "Type", fun d -> { d with Type = "Order\u0000" }
      "Type", fun d -> { d with Type = "Order" + high }
      "Stream", fun d -> { d with Stream = "order 1" }
      "Stream", fun d -> { d with Stream = "order-" + low }
      "Tags[0]", fun d -> { d with Tags = [| "a b:c" |] }
      "Tags[0]", fun d -> { d with Tags = [| "k:a\u0007" |] }
      "Tags[0]", fun d -> { d with Tags = [| "k:" + high |] }
      "Body", fun d -> { d with Body = "{\"x\":\"\\ud800\"}" }
      "Body", fun d -> { d with Body = "{\"x\":\"\\u0000\"}" }
      "Body", fun d -> { d with Body = "{\"x\":\"" + high + "\"}" }
      "Body", fun d -> { d with Body = String('[', 65) + String(']', 65) }
      "Body", fun d -> { d with Body = "{\"a\":1,\"a\":2}" }
      "Body", fun d -> { d with Body = "{\"k\":{\"a\":1,\"\\u0061\":2}}" }
      "Body", fun d -> { d with Body = "{" + String.Join(",", [ for i in 0 .. 40 -> $"\"k{i}\":{i}" ]) + ",\"k7\":0}" } ]

[<Property>]
let ``valid event data passes`` () =
    Prop.forAll (Arb.fromGen validEvent) (fun data -> Validation.eventData limits "e" data = Ok())

[<Property>]
let ``each kind of bad event data is named by its field`` () =
    Prop.forAll (Arb.fromGen (Gen.zip validEvent (Gen.elements corruptions))) (fun (data, (field, corrupt)) ->
        fieldOf (Validation.eventData limits "e" (corrupt data)) = Some $"e.{field}")

[<Property>]
let ``the first bad event of an append is named by its index`` () =
    let scenario =
        gen {
            let! events = Gen.choose (1, 6) |> Gen.bind (fun n -> Gen.listOfLength n validEvent)
            let! bad = Gen.choose (0, events.Length - 1)
            let! field, corrupt = Gen.elements corruptions
            return events, bad, field, corrupt
        }
    Prop.forAll (Arb.fromGen scenario) (fun (events, bad, field, corrupt) ->
        let proposed =
            events |> List.mapi (fun i d -> { Id = idOf (i + 1); Data = (if i = bad then corrupt d else d); Metadata = EventMetadata.Empty })
        fieldOf (Validation.proposed limits (Array.ofList proposed)) = Some $"events[{bad}].{field}")

[<Property>]
let ``a repeated or empty id is named by its index`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (Gen.choose (2, 40)) (Gen.choose (0, 39)))) (fun (count, at) ->
        let at = 1 + at % (count - 1)
        let events = Array.init count (fun i -> { Id = idOf (i + 1); Data = EventData.Tagged("A", "{}"); Metadata = EventMetadata.Empty })
        let repeated = events |> Array.mapi (fun i e -> if i = at then { e with Id = events[0].Id } else e)
        let empty = events |> Array.mapi (fun i e -> if i = at then { e with Id = Guid.Empty } else e)
        Validation.proposed limits events = Ok()
        && fieldOf (Validation.proposed limits repeated) = Some $"events[{at}].Id"
        && fieldOf (Validation.proposed limits empty) = Some $"events[{at}].Id")

[<Property>]
let ``the first repeated id is named by its index in large appends, whichever earlier event it repeats`` () =
    let gen =
        gen {
            let! count = Gen.choose (17, 600)
            let! at = Gen.choose (1, count - 1)
            let! first = Gen.choose (0, at - 1)
            let! later = Gen.choose (at, count - 1)
            return count, at, first, later
        }
    Prop.forAll (Arb.fromGen gen) (fun (count, at, first, later) ->
        let events = Array.init count (fun i -> { Id = idOf (i + 1); Data = EventData.Tagged("A", "{}"); Metadata = EventMetadata.Empty })
        // A second repeat at or after the first one's index: only the first is named.
        let repeated =
            events |> Array.mapi (fun i e -> if i = at then { e with Id = events[first].Id } elif i = later && later > at then { e with Id = events[0].Id } else e)
        Validation.proposed limits events = Ok()
        && fieldOf (Validation.proposed limits repeated) = Some $"events[{at}].Id")

[<Property>]
let ``appends hold zero to the maximum number of events`` () =
    Prop.forAll (Arb.fromGen (Gen.elements [ 0; 1; limits.MaxEventsPerAppend; limits.MaxEventsPerAppend + 1 ])) (fun count ->
        let events = Array.init count (fun i -> { Id = idOf (i + 1); Data = EventData.Tagged("A", "{}"); Metadata = EventMetadata.Empty })
        let ok = count <= limits.MaxEventsPerAppend
        (Validation.proposed limits events = Ok()) = ok
        && (ok || fieldOf (Validation.proposed limits events) = Some "events"))

let private idChars = [ 'a' .. 'z' ] @ [ 'A' .. 'Z' ] @ [ '0' .. '9' ] @ [ '-'; '_'; '.' ]

let private genTenantId =
    gen {
        let! first = Gen.elements ([ 'a' .. 'z' ] @ [ '0' .. '9' ])
        let! rest = Gen.choose (0, 63) |> Gen.bind (fun n -> Gen.listOfLength n (Gen.elements idChars))
        return String(Array.ofList (first :: rest))
    }

[<Property>]
let ``tenant ids of letters digits dashes underscores and dots pass`` () =
    Prop.forAll (Arb.fromGen genTenantId) (fun tenant -> Validation.tenant tenant = Ok())

[<Property>]
let ``a tenant id with a foreign character a bad start or too long fails naming the tenant`` () =
    let broken =
        gen {
            let! tenant = genTenantId
            let! at = Gen.choose (0, tenant.Length)
            let! breakIt =
                Gen.elements
                    [ (fun (t: string) -> t.Insert(at, " "))
                      (fun t -> t.Insert(at, "/"))
                      (fun t -> t.Insert(at, "é"))
                      (fun t -> "-" + t)
                      (fun t -> t + String('x', 65 - t.Length))
                      (fun _ -> "") ]
            return breakIt tenant
        }
    Prop.forAll (Arb.fromGen broken) (fun tenant -> fieldOf (Validation.tenant tenant) = Some "tenant")

[<Property>]
let ``negative limits positions and expected versions are refused`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (-50, -1))) (fun negative ->
        fieldOf (Validation.query (EventQuery.All.Take negative)) = Some "query.Limit"
        && fieldOf (Validation.query (EventQuery.All.AfterPosition(int64 negative))) = Some "query.After"
        && fieldOf (Validation.expectedVersion "expected" (ExpectedVersion.Exact(int64 negative))) = Some "expected"
        && Validation.expectedVersion "expected" (ExpectedVersion.Exact(int64 -negative)) = Ok())

[<Property>]
let ``undefined directions negative checkpoint positions and null expected versions are refused by field`` () =
    Prop.forAll (Arb.fromGen (Gen.choose (2, 1000))) (fun n ->
        let undefined = enum<Direction> n
        fieldOf (Validation.query { EventQuery.All with Direction = undefined }) = Some "query.Direction"
        && fieldOf (Validation.streamRead "order-1" 0L undefined 0) = Some "read.Direction"
        && fieldOf (Validation.checkpointPosition "checkpoint.Position" (int64 -n)) = Some "checkpoint.Position"
        && Validation.checkpointPosition "checkpoint.Position" (int64 n) = Ok()
        && fieldOf (Validation.expectedVersion "expected" Unchecked.defaultof<ExpectedVersion>) = Some "expected")

[<Property>]
let ``identifiers and text outside ASCII and tag values with punctuation pass`` () =
    let data =
        { Type = "order.shipped/v2"
          Tags = [| "email:zoe@example.com"; "title:Buy milk"; "city:Zürich"; "emoji:😀"; "k:v:w" |]
          Stream = "user@example.com"
          Body = """{"s":"é","e":"\ud83d\ude00","raw":"😀","o":{"s":1},"l":[{"s":1},{"s":2}]}"""
          SchemaVersion = 1 }
    Validation.eventData limits "e" data = Ok()

let private messageOf result =
    match result with
    | Ok() -> ""
    | Error(e: Validation.Error) -> e.Message

[<Property>]
let ``errors say what is wrong and where`` () =
    let body b = messageOf (Validation.eventData limits "e" (EventData.Tagged("A", b)))
    (body "{\"x\":\"\\ud800\"}").Contains "lone surrogate at offset 6"
    && (body ("{\"x\":\"" + high + "\"}")).Contains "lone surrogate at offset 6"
    && (body "{\"x\":\"a\\u0000\"}").Contains "\\u0000 at offset 7"
    && (messageOf (Validation.eventType "type" "Order\nCreated")).Contains "U+000A at offset 5"
    && (messageOf (Validation.tag "tag" "a b:c")).Contains "white space (U+0020) at offset 1"

/// The character-by-character rule of TextRules, written out here: the checks' vectorised ASCII run must agree with it.
let private referenceFirstOutside (cls: CharClass) (text: string) =
    let allowed (c: char) =
        match cls with
        | CharClass.Key -> Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.'
        | CharClass.Identifier -> not (Char.IsControl c || Char.IsWhiteSpace c)
        | _ -> not (Char.IsControl c || c = '\u2028' || c = '\u2029')
    let mutable bad = -1
    let mutable i = 0
    while bad < 0 && i < text.Length do
        let c = text.[i]
        if Char.IsHighSurrogate c && i + 1 < text.Length && Char.IsLowSurrogate text.[i + 1] then
            if cls = CharClass.Key then bad <- i else i <- i + 2
        elif Char.IsSurrogate c || not (allowed c) then bad <- i
        else i <- i + 1
    bad

[<Property>]
let ``the first character outside a class is found past a run of plain ASCII`` () =
    let pieces = [ "a"; "Z"; "7"; "-"; "_"; "."; " "; "~"; "!"; ":"; "\t"; "\u0000"; "\u007f"; "é"; "\u2028"; "😀"; high; low; "\u00a0" ]
    let genText = Gen.choose (0, 40) |> Gen.bind (fun n -> Gen.listOfLength n (Gen.elements pieces)) |> Gen.map String.Concat
    Prop.forAll (Arb.fromGen (Gen.zip genText (Gen.elements [ CharClass.Key; CharClass.Identifier; CharClass.Text ]))) (fun (text, cls) ->
        TextRules.firstOutside cls text = referenceFirstOutside cls text)

[<Property>]
let ``a bad metadata after events sharing one good metadata instance is named by its index`` () =
    Prop.forAll (Arb.fromGen (Gen.zip (Gen.choose (2, 30)) (Gen.choose (1, 29)))) (fun (count, at) ->
        let at = 1 + at % (count - 1)
        let shared = EventMetadata.Of("cause", "corr", "ann")
        let bad = EventMetadata.Of("cause", "corr", "a\u0007")
        let events =
            Array.init count (fun i -> { Id = idOf (i + 1); Data = EventData.Tagged("A", "{}"); Metadata = (if i = at then bad else shared) })
        fieldOf (Validation.proposed limits events) = Some $"events[{at}].Metadata.Actor")
