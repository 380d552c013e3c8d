// Deciders (initial, evolve, decide): pure aggregates folded from their events, keyed by a stream or by properties.
namespace Hybrid

/// A business rule said no: a value, never an exception.
type Rejection =
    { /// A short machine-readable code, e.g. "email-taken". The code "not-found" means the target does not exist.
      Code: string
      /// A sentence for people.
      Reason: string
      /// Facts about the rejection, e.g. "email" → the address.
      Details: Map<string, string> }

/// Building rejections.
module Rejection =

    /// The code of a rejection meaning the target does not exist.
    [<Literal>]
    let NotFoundCode = "not-found"

    /// A rejection with a code and a reason.
    let create (code: string) (reason: string) = { Code = code; Reason = reason; Details = Map.empty }

    /// The same rejection with one more detail.
    let withDetail (key: string) (value: string) (r: Rejection) = { r with Details = r.Details.Add(key, value) }

    /// The target (named) does not exist.
    let notFound (what: string) = create NotFoundCode $"{what} was not found."

    /// True when the rejection means the target does not exist.
    let isNotFound (r: Rejection) = r.Code = NotFoundCode

/// Turns a decider's events into event data and recorded events back; events it does not know decode to None.
type EventCodec<'Event> =
    { /// Every event type Encode may produce (introspection, lookups).
      EventTypes: string list
      /// The event as data; the command helpers set its stream and add key tags.
      Encode: 'Event -> EventData
      Decode: RecordedEvent -> 'Event option }

/// Building codecs.
module EventCodec =

    /// A codec from a type name and JSON body per event, and a decoder by type name and body.
    let create (eventTypes: string list) (encode: 'Event -> string * obj) (decode: string -> string -> 'Event option) =
        { EventTypes = eventTypes
          Encode =
            fun e ->
                let eventType, body = encode e
                EventData.Tagged(eventType, JsonPayload.serialize body)
          Decode = fun r -> if List.contains r.Type eventTypes then decode r.Type r.Body else None }

/// A pure aggregate: the state folded from its events, and the decision a command makes against it.
type Decider<'Command, 'Event, 'State> =
    { Initial: 'State
      Evolve: 'State -> 'Event -> 'State
      /// Events to append, or a rejection, given who asks and when. Must be total: any command against any state gives a value.
      Decide: DecisionContext -> 'Command -> 'State -> Result<'Event list, Rejection> }

/// Running deciders.
module Decider =

    /// The state after the events.
    let fold (decider: Decider<'C, 'E, 'S>) (events: 'E seq) = Folding.fold decider.Evolve decider.Initial events

    /// The state folded from recorded events through the codec (unknown events skipped).
    let foldRecorded (decider: Decider<'C, 'E, 'S>) (codec: EventCodec<'E>) (events: RecordedEvent seq) =
        Folding.foldDecoded codec.Decode decider.Evolve decider.Initial events

    /// Decides a command against a state: the events and the state after them, or the rejection.
    let run (decider: Decider<'C, 'E, 'S>) (context: DecisionContext) (command: 'C) (state: 'S) =
        decider.Decide context command state |> Result.map (fun events -> events, Folding.fold decider.Evolve state events)
