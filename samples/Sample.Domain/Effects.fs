// The sample's effects as data: the kinds the host registers handlers for, and their payloads.
module Hybrid.Sample.Effects

/// Sends an email (payload: Emails.Email).
[<Literal>]
let SendEmail = "send-email"

/// Charges the tenant's card (payload: Charge).
[<Literal>]
let ChargeCard = "charge-card"

/// A card charge for an invoice.
type Charge =
    { InvoiceId: string
      AmountCents: int }

    override c.ToString() = $"""{c.InvoiceId}: {decimal c.AmountCents / 100m:F2} EUR"""
