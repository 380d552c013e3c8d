// Monthly billing: a periodic task raises BillingDue for each tenant on the first of each month (UTC); the
// invoicing processor turns it into an invoice (emit, exactly once); the charging processor charges the card
// (an effect, at most once: a customer is never charged twice).
module Hybrid.Sample.Billing

open System
open Cronos
open Hybrid

/// The periodic task's name.
[<Literal>]
let TaskName = "monthly-billing"

/// Midnight UTC on the first of every month (cron with seconds).
[<Literal>]
let Cron = "0 0 0 1 * *"

/// The monthly price in cents.
[<Literal>]
let PriceCents = 1999

let private cron = CronExpression.Parse(Cron, CronFormat.IncludeSeconds)

/// The tag of a billing period ("2026-12").
let periodTag (period: string) : Tag = $"period:{period}"

module Events =

    type Due = { Period: string }
    type Invoice = { InvoiceId: string; Period: string; AmountCents: int }

    type Event =
        | BillingDue of Due
        | InvoiceIssued of Invoice

    let types = [| "BillingDue"; "InvoiceIssued" |]

    let encode =
        function
        | BillingDue e -> EventData.Tagged("BillingDue", Json.serialize e, periodTag e.Period)
        | InvoiceIssued e -> EventData.Tagged("InvoiceIssued", Json.serialize e, periodTag e.Period, $"invoice:{e.InvoiceId}")

    let private decode (e: RecordedEvent) =
        match e.Type with
        | "BillingDue" -> Some(BillingDue(Json.deserialize e.Body))
        | "InvoiceIssued" -> Some(InvoiceIssued(Json.deserialize e.Body))
        | _ -> None

    /// The event of a recorded one; None for other types. Decodes each recorded event once.
    let tryDecode: RecordedEvent -> Event option = Decoding.memoize decode

    /// The codec of these events (registered with the registry, so test kits can generate them).
    let codec: EventCodec<Event> = { EventTypes = List.ofArray types; Encode = encode; Decode = tryDecode }

/// The billing period a due instant opens, e.g. "2026-12".
let periodOf (due: DateTimeOffset) = due.UtcDateTime.ToString("yyyy-MM", Globalization.CultureInfo.InvariantCulture)

/// The due instants in (after, upTo], oldest first.
let dueBetween (after: DateTimeOffset) (upTo: DateTimeOffset) =
    if upTo <= after then []
    else cron.GetOccurrences(after, upTo, TimeZoneInfo.Utc, fromInclusive = false, toInclusive = true) |> List.ofSeq

/// The events of one tick for a tenant.
let onTick (_tenant: TenantId) (due: DateTimeOffset) = [ Events.BillingDue { Period = periodOf due } ]

/// The invoicing processor's decision: one invoice per due period.
let invoiceFor (due: Events.Due) =
    Events.InvoiceIssued { InvoiceId = $"INV-{due.Period}"; Period = due.Period; AmountCents = PriceCents }
