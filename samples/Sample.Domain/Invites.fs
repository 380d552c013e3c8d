// Customer invites: one invite per email address, kept unique by a dynamic consistency boundary on the email tag
// (no stream). A duplicate or empty email is refused with a clear message and writes nothing.
module Hybrid.Sample.Invites

open Hybrid

/// The form every email is compared in.
let normalize (email: string) = if isNull email then "" else email.Trim().ToLowerInvariant()

/// The tag of an email: the command's lookup, which makes the invite unique.
let emailTag (email: string) : Tag = $"email:{normalize email}"

/// The tag of a customer.
let customerTag (customerId: string) : Tag = $"customer:{customerId}"

module Events =

    /// InvitedAt is the decision's time (the shell's clock; virtual in simulations).
    type Invited = { CustomerId: string; Email: string; InvitedBy: string; InvitedAt: System.DateTimeOffset }

    type Event = CustomerInvited of Invited

    let types = [| "CustomerInvited" |]

    let encode (CustomerInvited e) =
        EventData.Tagged("CustomerInvited", Json.serialize e, emailTag e.Email, customerTag e.CustomerId)

    let private decode (e: RecordedEvent) =
        match e.Type with
        | "CustomerInvited" -> Some(CustomerInvited(Json.deserialize e.Body))
        | _ -> None

    /// The event of a recorded one; None for other types. Decodes each recorded event once.
    let tryDecode: RecordedEvent -> Event option = Decoding.memoize decode

    /// The codec of these events (registered with the registry, so test kits can generate them).
    let codec: EventCodec<Event> = { EventTypes = List.ofArray types; Encode = encode; Decode = tryDecode }

/// Invite the customer with this id at this email.
type Command = { CustomerId: string; Email: string }

/// A readable line.
let describe (c: Command) = $"InviteCustomer {c.CustomerId} <{c.Email}>"

/// Checks an email's form; the normalized email, or a sentence saying what is wrong.
let validateEmail (email: string) =
    let e = normalize email
    if e = "" then Error "The email is empty."
    elif e.Length > 254 then Error $"The email '{e.[..20]}…' is longer than 254 characters."
    else
        let at = e.IndexOf '@'
        if at <= 0 || at <> e.LastIndexOf '@' || at = e.Length - 1 || e.Contains ' ' then
            Error $"'{email}' is not an email address."
        else Ok e

/// Decides an invite, by an actor at an instant, from the events already tagged with the email.
let decide (actor: string) (now: System.DateTimeOffset) (command: Command) (existing: Events.Event list) : Result<Events.Event list, string> =
    result {
        let! email = validateEmail command.Email
        if System.String.IsNullOrWhiteSpace command.CustomerId then return! Error "The customer id is empty."
        else
            match existing with
            | Events.CustomerInvited prior :: _ ->
                return! Error $"'{email}' was already invited (customer {prior.CustomerId}, by {prior.InvitedBy})."
            | [] -> return [ Events.CustomerInvited { CustomerId = command.CustomerId; Email = email; InvitedBy = actor; InvitedAt = now } ]
    }
