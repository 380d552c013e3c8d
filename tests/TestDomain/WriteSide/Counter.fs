// A stream-keyed aggregate: a counter between 0 and a maximum, one stream per counter.
module Hybrid.Tests.TestDomain.Counter

open Hybrid

/// The aggregate type's name.
[<Literal>]
let Aggregate = "counter"

/// The highest total a counter may reach.
[<Literal>]
let Max = 100

type Adjusted = { CounterId: string; By: int }

type Event =
    | Incremented of Adjusted
    | Decremented of Adjusted

type State = { Total: int; Exists: bool }

type Command =
    | Increment of Adjusted
    | Decrement of Adjusted

let streamOf (counterId: string) = $"counter-{counterId}"

let tagOf (counterId: string) = $"counter:{counterId}"

let initial = { Total = 0; Exists = false }

let evolve (s: State) =
    function
    | Incremented e -> { Total = s.Total + e.By; Exists = true }
    | Decremented e -> { Total = s.Total - e.By; Exists = true }

let decide (command: Command) (s: State) =
    match command with
    | Increment c when c.By <= 0 -> Error(Rejection.create "not-positive" "An increment must be positive." |> Rejection.withDetail "by" (string c.By))
    | Increment c when int64 s.Total + int64 c.By > int64 Max ->
        Error(Rejection.create "over-max" $"The counter would go over {Max}." |> Rejection.withDetail "total" (string s.Total))
    | Increment c -> Ok [ Incremented c ]
    | Decrement _ when not s.Exists -> Error(Rejection.notFound "The counter")
    | Decrement c when c.By <= 0 -> Error(Rejection.create "not-positive" "A decrement must be positive.")
    | Decrement c when c.By > s.Total -> Error(Rejection.create "below-zero" "The counter would go below zero.")
    | Decrement c -> Ok [ Decremented c ]

let decider = { Initial = initial; Evolve = evolve; Decide = fun _ -> decide }

let codec =
    { EventTypes = [ "Incremented"; "Decremented" ]
      Encode =
        fun e ->
            let t, body = match e with Incremented b -> "Incremented", b | Decremented b -> "Decremented", b
            EventData.Tagged(t, JsonPayload.serialize body, tagOf body.CounterId)
      Decode =
        fun r ->
            match r.Type with
            | "Incremented" -> JsonPayload.tryRead<Adjusted> r.Body |> Option.map Incremented
            | "Decremented" -> JsonPayload.tryRead<Adjusted> r.Body |> Option.map Decremented
            | _ -> None }

let private validAdjust (c: Adjusted) =
    JsonPayload.required "counterId" c.CounterId

let private total (_: Command) (s: State) = Some(box {| total = s.Total |})

/// Increment: answers with the new total.
let increment =
    Command.ofDeciderWithResult "Increment" Aggregate decider codec (fun (c: Command) -> match c with Increment a | Decrement a -> streamOf a.CounterId) total
    |> Command.parsesAs<Adjusted> (fun a -> validAdjust a |> Result.map (fun () -> box (Increment a)))
    |> Command.authorize (fun caller _ -> Authorize.authenticated caller ())
    |> Command.resolves (fun (c: Command) -> match c with Increment a | Decrement a -> [ ViewRef.Of("counters", a.CounterId) ])

/// Decrement: not found when the counter was never incremented.
let decrement =
    Command.ofDeciderWithResult "Decrement" Aggregate decider codec (fun (c: Command) -> match c with Increment a | Decrement a -> streamOf a.CounterId) total
    |> Command.parsesAs<Adjusted> (fun a -> validAdjust a |> Result.map (fun () -> box (Decrement a)))
    |> Command.authorize (fun caller _ -> Authorize.authenticated caller ())

type TotalRequest = { CounterId: string }

/// The counter's total straight from its events.
let totalQuery =
    Query.overEvents "CounterTotal" (fun (q: TotalRequest) -> EventQuery.OfTags(tagOf q.CounterId)) (fun _ _ events ->
        if events.Length = 0 then QueryAnswer.NotFound "The counter"
        else QueryAnswer.Found(box {| total = (Decider.foldRecorded decider codec events).Total |}))
    |> Query.validate (fun (q: TotalRequest) -> JsonPayload.required "counterId" q.CounterId)
    |> Query.authorize (fun caller _ -> Authorize.authenticated caller ())
