// Properties of customer invites, written with the test kit: one invite per email however it is written (over
// application histories the kit runs on the pure definitions), empty emails refused, the codec's round trip.
module Hybrid.Tests.Properties.Sample.InviteProperties

open FsCheck.FSharp
open Xunit
open Hybrid
open Hybrid.Sample
open Hybrid.Sample.ReadModels
open Hybrid.Testing
open Hybrid.Tests.Properties.Sample.SampleGenerators

/// The decisions' time: invites record it.
let private at = System.DateTimeOffset(2026, 6, 1, 8, 0, 0, System.TimeSpan.Zero)

[<Fact>]
let ``an empty email is refused with a clear message and no events`` () =
    for blank in [ ""; " "; "\t"; null ] do
        Assert.Equal(Error "The email is empty.", Invites.decide "ann" at { CustomerId = "c-1"; Email = blank } [])

[<Fact>]
let ``invite events encode and decode to themselves`` () =
    Laws.codecRoundTrips "invite" Invites.Events.codec (Generators.valuesOf ArbMap.defaults) |> Law.verify

[<Fact>]
let ``no email is invited twice, however it is written, whoever sends the invites`` () =
    Prop.forAll (Arb.fromGen sampleHistory) (fun log ->
        let emails = log |> Array.choose Invites.Events.tryDecode |> Array.map (fun (Invites.Events.CustomerInvited e) -> e.Email)
        Array.distinct emails = emails && emails |> Array.forall (fun e -> e = Invites.normalize e))
    |> Law.create "each email is invited once" "command 'InviteCustomer'"
    |> Law.verify

[<Fact>]
let ``the customers view marks exactly the invited emails`` () =
    let customers = Definitions.readModels |> List.find (fun m -> m.Name = CustomersView.Name)
    Prop.forAll (Arb.fromGen sampleHistory) (fun log ->
        let view = ReadModel.plainRead customers "" log :?> Map<string, CustomerView>
        let invited = log |> Array.choose Invites.Events.tryDecode |> Array.map (fun (Invites.Events.CustomerInvited e) -> e.Email) |> Set.ofArray
        Set.ofSeq view.Keys = invited && view |> Map.forall (fun _ c -> c.Status = "invited"))
    |> Law.create "the customers view shows the invited emails" "read model 'customers'"
    |> Law.verify

[<Fact>]
let ``every read model of the sample rebuilt equals it built in batches`` () =
    let histories = sampleHistory |> Gen.map (Array.map (fun e -> e.Data) >> List.ofArray)
    for model in Definitions.readModels do
        Laws.rebuildEqualsIncremental model histories |> Law.verifyWith (LawConfig.defaults |> LawConfig.withTests 30)

[<Fact>]
let ``an anonymous caller gets nothing from any command or query of the sample`` () =
    Laws.anonymousGetsNothing Definitions.registry sampleRequests |> Law.verify

[<Fact>]
let ``the sample's processors are idempotent under redelivery`` () =
    let histories = sampleHistory |> Gen.map (Array.map (fun e -> e.Data) >> List.ofArray)
    for processor in Definitions.processors do
        Laws.processorIsIdempotent processor histories |> Law.verifyWith (LawConfig.defaults |> LawConfig.withTests 30)
