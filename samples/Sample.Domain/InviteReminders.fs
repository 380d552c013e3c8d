// Invite reminders, a process manager per invited customer (its correlation value): the invite schedules a
// reminder an hour later and an expiry four hours later; each reminder emits InviteReminderDue and re-arms itself
// two hours on; the expiry emits InviteExpired and cancels the pending reminder. Its state is folded from the
// events it emitted; its deadlines survive restarts because they are events too.
module Hybrid.Sample.InviteReminders

open System
open Hybrid

/// The process manager's name (its processor's name too).
[<Literal>]
let Name = "invite-reminders"

/// How long after the invite the first reminder comes.
let firstReminder = TimeSpan.FromHours 1.0

/// How long after a reminder the next one comes.
let reminderEvery = TimeSpan.FromHours 2.0

/// How long after the invite it expires.
let expiresAfter = TimeSpan.FromHours 4.0

module Events =

    type Reminder = { CustomerId: string; Email: string; Reminder: int }
    type Expired = { CustomerId: string; Email: string }

    type Event =
        | InviteReminderDue of Reminder
        | InviteExpired of Expired

    let types = [| "InviteReminderDue"; "InviteExpired" |]

    let encode =
        function
        | InviteReminderDue e -> EventData.Tagged("InviteReminderDue", Json.serialize e, Invites.customerTag e.CustomerId)
        | InviteExpired e -> EventData.Tagged("InviteExpired", Json.serialize e, Invites.customerTag e.CustomerId)

    let tryDecode (e: RecordedEvent) =
        match e.Type with
        | "InviteReminderDue" -> Some(InviteReminderDue(Json.deserialize e.Body))
        | "InviteExpired" -> Some(InviteExpired(Json.deserialize e.Body))
        | _ -> None

/// What the manager knows of one invite: its own events folded.
type State = { Reminders: int; Expired: bool }

let initial = { Reminders = 0; Expired = false }

let evolve (state: State) (e: RecordedEvent) =
    match Events.tryDecode e with
    | Some(Events.InviteReminderDue r) -> { state with Reminders = r.Reminder }
    | Some(Events.InviteExpired _) -> { state with Expired = true }
    | None -> state

/// The instance an event belongs to: the invited customer.
let correlationOf (e: RecordedEvent) =
    match Invites.Events.tryDecode e with
    | Some(Invites.Events.CustomerInvited invite) -> Some invite.CustomerId
    | None -> None

let private reminder = "reminder"
let private expiry = "expiry"

/// The decision for one input.
let decide (context: ProcessContext) (state: State) (input: ProcessInput) =
    match input with
    | ProcessInput.Event e ->
        match Invites.Events.tryDecode e with
        | Some(Invites.Events.CustomerInvited invite) ->
            ProcessDecision.Nothing
                .AndSchedule({ Name = reminder; DueAt = e.Timestamp + firstReminder; Payload = invite.Email })
                .AndSchedule({ Name = expiry; DueAt = e.Timestamp + expiresAfter; Payload = invite.Email })
        | None -> ProcessDecision.Nothing
    | ProcessInput.Deadline _ when state.Expired -> ProcessDecision.Nothing
    | ProcessInput.Deadline d when d.Name = reminder ->
        let next = state.Reminders + 1
        ProcessDecision
            .Emitting(Events.encode (Events.InviteReminderDue { CustomerId = context.Key; Email = d.Payload; Reminder = next }))
            .AndSchedule({ Name = reminder; DueAt = d.DueAt + reminderEvery; Payload = d.Payload })
    | ProcessInput.Deadline d when d.Name = expiry ->
        ProcessDecision.Emitting(Events.encode (Events.InviteExpired { CustomerId = context.Key; Email = d.Payload })).AndCancel(reminder)
    | ProcessInput.Deadline _ -> ProcessDecision.Nothing

/// The process manager.
let manager =
    ProcessManager.define Name [| QueryItem.OfTypes "CustomerInvited" |] correlationOf initial evolve decide
