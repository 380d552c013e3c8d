// The kit's generators give what the core accepts, edges included: tenant ids, stream ids, tags and event ids within
// the limits every store checks, and events of registered codecs that every store appends (no NUL, no lone surrogate).
module Hybrid.Tests.Properties.Testing.GeneratorTests

open System
open FsCheck.FSharp
open Xunit
open Hybrid
open Hybrid.InMemory.EventStore
open Hybrid.Testing
open Hybrid.Tests.Properties.Testing.Inventory

let private sample (gen: FsCheck.Gen<'T>) = Gen.sampleWithSeed (FsCheck.Rnd(11UL, 7UL)) 100 2000 gen

let private allValid (check: 'T -> Result<unit, Validation.Error>) (values: 'T[]) =
    for v in values do
        match check v with
        | Ok() -> ()
        | Error e -> Assert.Fail $"The generator gave {v}, which the core refuses: {e.Field}: {e.Message}"

[<Fact>]
let ``tenant ids are all valid and reach one character and the 64-character limit`` () =
    let tenants = sample Generators.tenantIds
    allValid Validation.tenant tenants
    Assert.Contains(tenants, fun t -> t.Length = 1)
    Assert.Contains(tenants, fun t -> t.Length = Limits.TenantLength)
    Assert.Contains(tenants, fun t -> t.Contains '.' || t.Contains '_')

[<Fact>]
let ``stream ids and tags are all valid and reach their limits`` () =
    let streams = sample Generators.streamIds
    allValid (Validation.stream "stream") streams
    Assert.Contains(streams, fun s -> s.Length = 1)
    Assert.Contains(streams, fun s -> s.Length = Limits.StreamLength)
    let tags = sample (Generators.tagsOf "sku")
    allValid (Validation.tag "tag") tags
    Assert.Contains(tags, fun t -> t.Length = Limits.TagLength)
    Assert.Contains(tags, fun t -> t.Length = "sku:".Length + 1)
    Assert.DoesNotContain(sample Generators.eventIds, fun id -> id = Guid.Empty)

[<Fact>]
let ``text reaches non-ASCII letters and surrogate pairs but never NUL nor a lone surrogate`` () =
    let texts = sample Generators.text
    Assert.Contains(texts, fun t -> t = "")
    Assert.Contains(texts, fun t -> t.Contains "😀")
    for t in texts do
        Assert.DoesNotContain('\u0000', t)
        // A strict encoder throws on a lone surrogate.
        Text.UTF8Encoding(false, true).GetBytes t |> ignore

[<Fact>]
let ``events of registered codecs are appended by a store, every one of them`` () =
    let events = sample (Generators.registeredEvents registry)
    Assert.All(events, fun e -> Assert.Equal(None, Generators.storeProblem e))
    let store = InMemoryEventStore()
    let proposed = events |> Array.map (fun d -> { Id = Guid.NewGuid(); Data = d; Metadata = EventMetadata.Empty })
    match store.Append(AppendRequest.Of("tenant-1", proposed), Threading.CancellationToken.None).GetAwaiter().GetResult() with
    | AppendResult.Appended recorded -> Assert.Equal(events.Length, recorded.Length)
    | other -> Assert.Fail $"The store refused the generated events: {other}"

[<Fact>]
let ``a codec whose events no store accepts fails its law naming the problem instead of hanging or crashing`` () =
    let untaggable = { stockCodec with Encode = fun e -> { stockCodec.Encode e with Tags = [| "no kind" |] } }
    let report = Law.run (Laws.rebuildEqualsIncremental stockLevels (Gen.listOf (Generators.eventsOf untaggable) |> Gen.resize 3))
    Assert.False(report.Passed, report.Message)
    Assert.Contains("refused by the stores: Tags[0]: The tag 'no kind' is not of the form 'kind:value'.", report.Reason)
    Assert.Contains("no kind", report.CounterExample)
