// The write-side test application: its registry, a command without authorization, and a counter migration.
module Hybrid.Tests.TestDomain.WriteSideCatalog

open Hybrid

type Note = { Text: string }

/// A command registered without an authorization function: always refused.
let unguarded =
    Command.define<Note> "Unguarded" (fun _ -> Lookup.Events(EventQuery.OfTypes "Noted")) (fun _ n _ ->
        CommandDecision.Accept([ EventData.Tagged("Noted", JsonPayload.serialize n) ], None))
    |> Command.emits [ "Noted" ]

/// A command that decides to write nothing.
let noop =
    Command.define<Note> "Noop" (fun _ -> Lookup.Events(EventQuery.OfTypes "Noted")) (fun _ _ _ -> CommandDecision.Accept([], Some(box {| ok = true |})))
    |> Command.authorize Authorize.anyone

/// Every write-side definition of the test domain.
let registry =
    Registry.empty
    |> WriteSide.addDecider "counter" Counter.codec
    |> WriteSide.addDecider "customer" Customers.codec
    |> WriteSide.addDecider "account" Accounts.codec
    |> WriteSide.addCommand Counter.increment
    |> WriteSide.addCommand Counter.decrement
    |> WriteSide.addCommand Customers.register
    |> WriteSide.addCommand Customers.rename
    |> WriteSide.addCommand Accounts.openAccount
    |> WriteSide.addCommand Accounts.transfer
    |> WriteSide.addCommand unguarded
    |> WriteSide.addCommand noop
    |> WriteSide.addCommand Drawings.draw
    |> WriteSide.addQuery Counter.totalQuery
    |> WriteSide.addQuery Drawings.board
    |> WriteSide.addQuery Customers.customerQuery

/// Counters in the new shape: streams "counter2-{id}" holding one "CounterSet" snapshot event, then
/// "Incremented"/"Decremented" events as before.
module CounterV2 =

    let streamOf (counterId: string) = $"counter2-{counterId}"

    type Snapshot = { CounterId: string; Total: int }

    let codec =
        { Counter.codec with
            EventTypes = "CounterSet" :: Counter.codec.EventTypes
            Decode =
                fun r ->
                    match r.Type with
                    | "CounterSet" ->
                        JsonPayload.tryRead<Snapshot> r.Body |> Option.map (fun s -> Counter.Incremented { CounterId = s.CounterId; By = s.Total })
                    | _ -> Counter.codec.Decode r }

    let private streamOfCommand (c: Counter.Command) =
        match c with
        | Counter.Increment a
        | Counter.Decrement a -> streamOf a.CounterId

    let increment =
        { Command.ofDeciderWithResult "Increment" Counter.Aggregate Counter.decider codec streamOfCommand (fun _ s -> Some(box {| total = s.Total; shape = 2 |})) with
            Parse = Counter.increment.Parse
            Payload = Counter.increment.Payload
            Authorize = Counter.increment.Authorize
            Views = Counter.increment.Views }

    let decrement =
        { Command.ofDeciderWithResult "Decrement" Counter.Aggregate Counter.decider codec streamOfCommand (fun _ s -> Some(box {| total = s.Total; shape = 2 |})) with
            Parse = Counter.decrement.Parse
            Payload = Counter.decrement.Payload
            Authorize = Counter.decrement.Authorize }

    /// Folds an old counter stream into one snapshot event in its new stream.
    let transform (stream: StreamId) (events: RecordedEvent[]) =
        let state = Decider.foldRecorded Counter.decider Counter.codec events
        let counterId = stream.Substring "counter-".Length
        { Stream = streamOf counterId
          Events =
            [ EventData.Tagged("CounterSet", JsonPayload.serialize { CounterId = counterId; Total = state.Total }, Counter.tagOf counterId) ] }

    let migration =
        { Name = "counter-v2"
          Aggregate = Counter.Aggregate
          Source = EventQuery.OfTypes("Incremented", "Decremented")
          Transform = transform
          DeleteOld = true
          Commands = [ increment; decrement ] }
