// The outcome of charging an invoice, recorded by the charging processor after its at-most-once effect: InvoicePaid
// when the charge went through, ChargeFailed (a compensating event) when its attempts ran out.
module Hybrid.Sample.Payments

open Hybrid

module Events =

    type Paid = { InvoiceId: string; AmountCents: int }
    type Failed = { InvoiceId: string; AmountCents: int }

    type Event =
        | InvoicePaid of Paid
        | ChargeFailed of Failed

    let types = [| "InvoicePaid"; "ChargeFailed" |]

    let encode =
        function
        | InvoicePaid e -> EventData.Tagged("InvoicePaid", Json.serialize e, $"invoice:{e.InvoiceId}")
        | ChargeFailed e -> EventData.Tagged("ChargeFailed", Json.serialize e, $"invoice:{e.InvoiceId}")

    let tryDecode (e: RecordedEvent) =
        match e.Type with
        | "InvoicePaid" -> Some(InvoicePaid(Json.deserialize e.Body))
        | "ChargeFailed" -> Some(ChargeFailed(Json.deserialize e.Body))
        | _ -> None
