// Customer invites: one invite per email address, kept unique by a dynamic consistency boundary on the email tag
// (no stream). A duplicate or empty email is refused with a clear message and writes nothing. The email is personal
// data: the tag holds a keyed hash of it (never the address), and the event's email is sealed by crypto-shredding.
module Hybrid.Sample.Invites

open Hybrid

/// The form every email is compared in.
let normalize (email: string) = if isNull email then "" else email.Trim().ToLowerInvariant()

/// The tag of an email: the command's lookup, which makes the invite unique. It holds HMAC-SHA256 of the normalized
/// email under the tenant's tag key (the shell passes it in the decision context), so equal emails give equal tags
/// and the tag tells nothing about the address.
let emailTag (tagKey: byte[]) (email: string) : Tag = KeyedTags.tag "email" tagKey (normalize email)

/// The invite's personal data: its email, whose subject is the customer (forgetting the customer redacts it).
let personalData = PersonalData.declare "CustomerInvited" "customerId" [ "email" ]

/// The tag of a customer.
let customerTag (customerId: string) : Tag = $"customer:{customerId}"

module Events =

    /// InvitedAt is the decision's time (the shell's clock; virtual in simulations).
    type Invited = { CustomerId: string; Email: string; InvitedBy: string; InvitedAt: System.DateTimeOffset }

    type Event = CustomerInvited of Invited

    let types = [| "CustomerInvited" |]

    /// The event with its email tag made with the tenant's tag key.
    let encodeWith (tagKey: byte[]) (CustomerInvited e) =
        EventData.Tagged("CustomerInvited", Json.serialize e, emailTag tagKey e.Email, customerTag e.CustomerId)

    /// The event with its email tag made with no key (codecs and test kits; commands use encodeWith).
    let encode (event: Event) = encodeWith Array.empty event

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
