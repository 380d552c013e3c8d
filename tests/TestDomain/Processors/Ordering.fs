// A small ordering domain for processor and scheduler tests: orders are invoiced (emit), invoices are mailed
// (an at-least-once effect) and charged (an at-most-once effect), and a nightly task asks for a summary.
module Hybrid.Tests.TestDomain.Ordering

open System
open System.Text.Json
open Hybrid

/// Event types.
[<RequireQualifiedAccess>]
module Types =
    [<Literal>]
    let OrderPlaced = "OrderPlaced"

    [<Literal>]
    let InvoiceIssued = "InvoiceIssued"

    [<Literal>]
    let SummaryRequested = "SummaryRequested"

let private field (name: string) (body: string) =
    use doc = JsonDocument.Parse body
    match doc.RootElement.TryGetProperty name with
    | true, v when v.ValueKind = JsonValueKind.String -> v.GetString()
    | true, v -> v.GetRawText()
    | _ -> null

/// An order placed; a "poison" order makes the invoicer throw.
let orderPlaced (order: string) (poison: bool) =
    let body = JsonSerializer.Serialize {| order = order; poison = poison |}
    EventData.Tagged(Types.OrderPlaced, body, $"order:{order}")

/// The invoicer: an invoice per order, emitted atomically with its checkpoint. Throws on poison orders unless the
/// poison is cured (the predicate is how tests model a deployed fix).
let invoicer (cured: unit -> bool) =
    let handle (_: ProcessorContext) (e: RecordedEvent) =
        let order = field "order" e.Body
        if field "poison" e.Body = "true" && not (cured ()) then failwith $"order {order} cannot be invoiced"
        ProcessorResult.Emit [ EventData.Tagged(Types.InvoiceIssued, JsonSerializer.Serialize {| order = order; source = e.Position |}, $"order:{order}") ]
    { Name = "invoicer"
      Topics = [| QueryItem.OfTypes Types.OrderPlaced |]
      Lookup = fun _ _ -> []
      Handle = handle
      Retry = RetryPolicy.Default
      Sharding = PerTenant }

/// The effect kinds.
[<RequireQualifiedAccess>]
module Effects =
    [<Literal>]
    let Mail = "mail"

    [<Literal>]
    let Charge = "charge"

/// The mailer: mails each invoice at least once (checkpoint after the effect).
let mailer =
    { invoicer (fun () -> true) with
        Name = "mailer"
        Topics = [| QueryItem.OfTypes Types.InvoiceIssued |]
        Handle = fun _ e -> ProcessorResult.AtLeastOnce(EffectIntent.Of(Effects.Mail, field "order" e.Body)) }

/// The charger: charges each invoice at most once (checkpoint before the effect).
let charger =
    { mailer with
        Name = "charger"
        Handle = fun _ e -> ProcessorResult.AtMostOnce(EffectIntent.Of(Effects.Charge, field "order" e.Body)) }

/// A nightly summary at 02:30 Berlin time, a time that does not exist on the spring-forward night and exists twice
/// on the fall-back night.
let nightlySummary =
    { Name = "nightly-summary"
      Schedule = Schedule.CronIn("0 30 2 * * *", "Europe/Berlin")
      Tenants = AllTenants
      MissedFires = SkipMissed
      LateTolerance = TimeSpan.FromMinutes 1.0
      OnTick = fun tick -> [ EventData.Tagged(Types.SummaryRequested, JsonSerializer.Serialize {| tenant = tick.Tenant |}, "summary:nightly") ]
      Condition = fun _ -> NoCondition }

/// The orders placed, counted: a query processors may look up; only the reporter processor may ask it.
let ordersCount =
    Query.overEvents<string> "orders-count" (fun _ -> EventQuery.OfTypes Types.OrderPlaced) (fun _ _ events -> QueryAnswer.Found(box events.Length))
    |> Query.authorize<string> (fun caller _ ->
        if caller.Actor = "processor:reporter" then Authorization.Allowed else Authorization.Denied "only the reporter may count orders")
