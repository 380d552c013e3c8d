// Properties of monthly billing: due instants, and the invoice each period gets.
module Hybrid.Tests.Properties.Sample.BillingProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid.Sample

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
