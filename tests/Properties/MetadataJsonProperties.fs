// The one JSON form of event metadata: what is written reads back as itself, and rows of the older three-field form
// read with no trace and no fields.
module Hybrid.Tests.Properties.MetadataJsonProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid

let private text = Gen.elements [ ""; "a"; "corr-42"; "ünïcödé ✓"; "with \"quotes\" and \\ slash"; "line\nbreak" ]

let private metadata =
    gen {
        let! causation = text
        let! correlation = text
        let! actor = text
        let! traced = Gen.elements [ true; false ]
        let! names = Gen.subListOf [ "client"; "region"; "request.id"; "x-y_z" ]
        let! values = Gen.listOfLength names.Length text
        let fields = List.zip names values |> Map.ofList
        let m = EventMetadata.Of(causation, correlation, actor).WithFields(fields)
        return if traced then m.WithTrace("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "a=1,b=2") else m
    }
    |> Arb.fromGen

[<Property>]
let ``metadata written as JSON reads back as itself`` () =
    Prop.forAll metadata (fun m -> MetadataJson.read (MetadataJson.write m) = m)

[<Property>]
let ``metadata without trace or fields is written in the older three-field form`` () =
    Prop.forAll metadata (fun m ->
        let plain = EventMetadata.Of(m.CausationId, m.CorrelationId, m.Actor)
        use json = System.Text.Json.JsonDocument.Parse(MetadataJson.write plain)
        json.RootElement.EnumerateObject() |> Seq.map (fun p -> p.Name) |> List.ofSeq = [ "causationId"; "correlationId"; "actor" ])

[<Xunit.Fact>]
let ``a row of the older form and unknown members read as metadata with no trace and no fields`` () =
    let read = MetadataJson.read """{"causationId":"c","correlationId":"r","actor":"ann","future":{"x":[1,2]},"fields":{"n":3,"ok":"yes"}}"""
    Xunit.Assert.Equal(EventMetadata.Of("c", "r", "ann").WithField("ok", "yes"), read)

[<Property>]
let ``normalized metadata has no null and keeps every value that was set`` () =
    let orNull = Gen.elements [ null; ""; "x"; "a b" ]
    let gen =
        gen {
            let! c = orNull
            let! r = orNull
            let! a = orNull
            let! value = orNull
            let! withFields = Gen.elements [ 0; 1; 2 ]
            let fields = match withFields with 0 -> Unchecked.defaultof<Map<string, string>> | 1 -> Map.empty | _ -> Map.ofList [ "client", value ]
            return { CausationId = c; CorrelationId = r; Actor = a; TraceParent = null; TraceState = ""; Fields = fields }
        }
    Prop.forAll (Arb.fromGen gen) (fun m ->
        let n = EventMetadata.normalize m
        let same (a: string) (b: string) = (if isNull a then "" else a) = b
        same m.CausationId n.CausationId && same m.CorrelationId n.CorrelationId && same m.Actor n.Actor
        && n.TraceParent = "" && n.TraceState = ""
        && not (obj.ReferenceEquals(n.Fields, null)) && n.Fields |> Map.forall (fun _ v -> not (isNull v))
        && EventMetadata.normalize n = n
        && isNull (EventMetadata.normalize Unchecked.defaultof<EventMetadata> :> obj) |> not)
