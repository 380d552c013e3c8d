// Properties of monthly billing: due instants, the invoice each period gets, and the events of each period (with the
// test kit's generators and laws).
module Hybrid.Tests.Properties.Sample.BillingProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid.Sample
open Hybrid.Testing

let private instant = Gen.choose (0, 3 * 365 * 24) |> Gen.map (fun h -> DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddHours(float h))

[<Property>]
let ``due instants are midnight on the first, and splitting a window changes nothing`` () =
    Prop.forAll (Arb.fromGen (Gen.three instant)) (fun (a, b, c) ->
        let sorted = List.sort [ a; b; c ]
        let a, b, c = sorted.[0], sorted.[1], sorted.[2]
        let whole = Billing.dueBetween a c
        whole = Billing.dueBetween a b @ Billing.dueBetween b c
        && whole |> List.forall (fun d -> d.Day = 1 && d.TimeOfDay = TimeSpan.Zero && d > a && d <= c))

[<Property>]
let ``each due period gets one invoice for that period`` () =
    Prop.forAll (Arb.fromGen instant) (fun due ->
        match Billing.onTick "t1" due with
        | [ Billing.Events.BillingDue d ] ->
            match Billing.invoiceFor d with
            | Billing.Events.InvoiceIssued invoice -> invoice.Period = Billing.periodOf due && invoice.AmountCents = Billing.PriceCents
            | _ -> false
        | _ -> false)

[<global.Xunit.Fact>]
let ``billing events encode and decode to themselves`` () =
    Laws.codecRoundTrips "billing" Billing.Events.codec (Generators.valuesOf ArbMap.defaults) |> Law.verify
