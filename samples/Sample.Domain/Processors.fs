// The sample's processors as pure handlers: what each does with one event.
module Hybrid.Sample.Processors

open Hybrid

/// Sends the invitation email for each invite: an effect, at least once.
[<Literal>]
let InviteEmails = "invite-emails"

/// Issues the invoice for each billing period that came due: emits, exactly once.
[<Literal>]
let Invoicing = "invoicing"

/// Awards a point for each completed item: emits, exactly once.
[<Literal>]
let PointsAwarding = "points"

/// Charges the card for each invoice: an effect, at most once.
[<Literal>]
let Charging = "charging"

/// What a handler decides, before the shell gives it a form.
type Decision =
    | EmitEvents of EventData list
    | SendEmail of Emails.Email
    | ChargeCard of invoiceId: string * amountCents: int
    | Ignore

/// The invite-emails handler.
let inviteEmails (event: RecordedEvent) =
    match Invites.Events.tryDecode event with
    | Some(Invites.Events.CustomerInvited invite) when isNull invite.Email -> Ignore // forgotten before it was sent
    | Some(Invites.Events.CustomerInvited invite) -> SendEmail(Emails.invitation invite)
    | None -> Ignore

/// The invoicing handler.
let invoicing (event: RecordedEvent) =
    match Billing.Events.tryDecode event with
    | Some(Billing.Events.BillingDue due) -> EmitEvents [ Billing.Events.encode (Billing.invoiceFor due) ]
    | _ -> Ignore

/// The points handler: the user who completed the item (the source event's actor) earns a point.
let points (event: RecordedEvent) =
    match TodoLists.Events.tryDecode event with
    | Some(TodoLists.Events.ItemCompleted completed) -> EmitEvents [ Points.Events.encode (Points.award event.Metadata.Actor completed) ]
    | _ -> Ignore

/// The charging handler.
let charging (event: RecordedEvent) =
    match Billing.Events.tryDecode event with
    | Some(Billing.Events.InvoiceIssued invoice) -> ChargeCard(invoice.InvoiceId, invoice.AmountCents)
    | _ -> Ignore
