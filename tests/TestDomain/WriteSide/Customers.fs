// A property-keyed aggregate: customers whose email address is unique across the tenant.
module Hybrid.Tests.TestDomain.Customers

open Hybrid

[<Literal>]
let Aggregate = "customer"

type Registered = { CustomerId: string; Email: string; Name: string }
type Renamed = { CustomerId: string; Name: string }

type Event =
    | CustomerRegistered of Registered
    | CustomerRenamed of Renamed

type Command =
    | Register of Registered
    | Rename of Renamed

/// What the events carrying a command's keys say: the registrations seen.
type State = { Registrations: Registered list }

let emailTag (email: string) = if isNull email then "email:" else $"email:{email.Trim().ToLowerInvariant()}"
let customerTag (customerId: string) = $"customer:{customerId}"

let keysOf =
    function
    | Register r -> [ emailTag r.Email; customerTag r.CustomerId ]
    | Rename r -> [ customerTag r.CustomerId ]

let evolve (s: State) =
    function
    | CustomerRegistered r -> { Registrations = r :: s.Registrations }
    | CustomerRenamed _ -> s

let decide (command: Command) (s: State) =
    match command with
    | Register r ->
        let sameEmail = s.Registrations |> List.tryFind (fun x -> emailTag x.Email = emailTag r.Email)
        match sameEmail with
        | Some x when x.CustomerId = r.CustomerId -> Ok [] // the same registration again: nothing to do
        | Some x ->
            Error(Rejection.create "email-taken" $"The email address is already used by customer '{x.CustomerId}'." |> Rejection.withDetail "email" r.Email)
        | None when s.Registrations |> List.exists (fun x -> x.CustomerId = r.CustomerId) ->
            Error(Rejection.create "customer-exists" $"Customer '{r.CustomerId}' is already registered.")
        | None -> Ok [ CustomerRegistered r ]
    | Rename r ->
        if s.Registrations |> List.exists (fun x -> x.CustomerId = r.CustomerId) then Ok [ CustomerRenamed r ]
        else Error(Rejection.notFound $"Customer '{r.CustomerId}'")

let decider = { Initial = { Registrations = [] }; Evolve = evolve; Decide = fun _ -> decide }

let codec =
    { EventTypes = [ "CustomerRegistered"; "CustomerRenamed" ]
      Encode =
        function
        | CustomerRegistered r -> EventData.Tagged("CustomerRegistered", JsonPayload.serialize r)
        | CustomerRenamed r -> EventData.Tagged("CustomerRenamed", JsonPayload.serialize r)
      Decode =
        fun e ->
            match e.Type with
            | "CustomerRegistered" ->
                JsonPayload.tryRead<Registered> e.Body
                |> Option.filter (fun r -> not (isNull r.CustomerId || isNull r.Email))
                |> Option.map CustomerRegistered
            | "CustomerRenamed" -> JsonPayload.tryRead<Renamed> e.Body |> Option.filter (fun r -> not (isNull r.CustomerId)) |> Option.map CustomerRenamed
            | _ -> None }

let private validEmail (email: string) =
    if System.String.IsNullOrWhiteSpace email then Error { Validation.Field = "email"; Validation.Message = "'email' is required." }
    elif not (email.Contains '@') then Error { Validation.Field = "email"; Validation.Message = $"'{email}' is not an email address." }
    else Ok()

/// Registers a customer (admins only); answers with the customer's id.
let register =
    Command.ofKeyedDecider "RegisterCustomer" Aggregate decider codec keysOf
    |> Command.parsesAs<Registered> (fun r ->
        JsonPayload.required "customerId" r.CustomerId
        |> Result.bind (fun () -> validEmail r.Email)
        |> Result.map (fun () -> box (Register r)))
    |> Command.authorize (fun caller _ -> Authorize.inRole "admin" caller ())
    |> Command.resolves (fun (c: Command) -> match c with Register r -> [ ViewRef.Of("customers", r.CustomerId) ] | Rename r -> [ ViewRef.Of("customers", r.CustomerId) ])

/// Renames a customer: not found when the customer was never registered.
let rename =
    Command.ofKeyedDecider "RenameCustomer" Aggregate decider codec keysOf
    |> Command.parsesAs<Renamed> (fun r -> JsonPayload.required "customerId" r.CustomerId |> Result.map (fun () -> box (Rename r)))
    |> Command.authorize (fun caller _ -> Authorize.authenticated caller ())
    |> Command.resolves (fun (c: Command) -> match c with Register r -> [ ViewRef.Of("customers", r.CustomerId) ] | Rename r -> [ ViewRef.Of("customers", r.CustomerId) ])

/// The customer as the "customers" read model shows it.
type CustomerView = { CustomerId: string; Email: string; Name: string }

/// Folds the "customers" read model's state for one customer (the scope is the customer id).
let evolveView (customerId: string) (view: CustomerView option) (e: RecordedEvent) =
    match codec.Decode e with
    | Some(CustomerRegistered r) when r.CustomerId = customerId -> Some { CustomerId = r.CustomerId; Email = r.Email; Name = r.Name }
    | Some(CustomerRenamed r) when r.CustomerId = customerId -> view |> Option.map (fun v -> { v with Name = r.Name })
    | _ -> view

type CustomerRequest = { CustomerId: string }

/// One customer, from the "customers" read model.
let customerQuery =
    Query.overViews "Customer" [ "customers" ] (fun (q: CustomerRequest) -> [ ViewRef.Of("customers", q.CustomerId) ]) (fun _ q views ->
        match views with
        | [ v ] ->
            match v.State with
            | :? (CustomerView option) as view when view.IsSome -> QueryAnswer.Found(box view.Value)
            | _ -> QueryAnswer.NotFound $"Customer '{q.CustomerId}'"
        | _ -> QueryAnswer.NotFound $"Customer '{q.CustomerId}'")
    |> Query.validate (fun (q: CustomerRequest) -> JsonPayload.required "customerId" q.CustomerId)
    |> Query.authorize (fun caller _ -> Authorize.authenticated caller ())

/// The "customers" read model for the read-model engine: one instance per customer id (events tagged with it).
let readModel =
    ReadModel.monolithic "customers" 1 codec.EventTypes codec.Decode (None: CustomerView option) (fun view e ->
        match e with
        | CustomerRegistered r -> Some { CustomerId = r.CustomerId; Email = r.Email; Name = r.Name }
        | CustomerRenamed r -> view |> Option.map (fun v -> { v with Name = r.Name }))
    |> ReadModel.scoped (ByTags(fun customerId -> [ customerTag customerId ]))
