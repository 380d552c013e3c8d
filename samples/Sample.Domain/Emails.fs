// The invite email: an effect the email processor asks for when a customer is invited, sent at least once
// (a crash between sending and checkpointing sends it again; better twice than never).
module Hybrid.Sample.Emails

/// An email to send, as data: the host's effect handler sends it.
type Email =
    { To: string
      Subject: string
      Body: string }

    override e.ToString() = $"to {e.To}: {e.Subject}"

/// The invitation email for an invite.
let invitation (invite: Invites.Events.Invited) =
    { To = invite.Email
      Subject = "You are invited"
      Body = $"Hello! {invite.InvitedBy} invited you (customer {invite.CustomerId})." }
