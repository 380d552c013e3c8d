// What a command reads before it decides (a query's matches or whole streams) and what the shell read for it.
namespace Hybrid

/// What a command reads before deciding.
[<RequireQualifiedAccess>]
type Lookup =
    /// The events matching a query; the append fails if any new event matches it (uniqueness, property keys).
    | Events of EventQuery
    /// Whole streams; the append expects each at the version read (one or several aggregates, one atomic append).
    | Streams of StreamId list

/// What the shell read for a command.
type LookedUp =
    { /// The events read: the query's matches, or the streams' live events one stream after the other.
      Events: RecordedEvent[]
      /// The tenant's last position when read: the consistency boundary's starting point.
      Position: Position
      /// For stream lookups, each stream's version and live events.
      Streams: Map<StreamId, StreamVersion * RecordedEvent[]> }

    /// A stream's live events (empty when not read or never written).
    member l.EventsOf(stream: StreamId) =
        match l.Streams.TryFind stream with
        | Some(_, events) -> events
        | None -> [||]

    /// A stream's version when read (0 when not read or never written).
    member l.VersionOf(stream: StreamId) =
        match l.Streams.TryFind stream with
        | Some(version, _) -> version
        | None -> Names.NoVersion

    /// What a query lookup read.
    static member OfEvents(position: Position, events: RecordedEvent[]) =
        { Events = events; Position = position; Streams = Map.empty }

    /// What a stream lookup read: each stream with its version and live events.
    static member OfStreams(position: Position, streams: (StreamId * StreamVersion * RecordedEvent[]) list) =
        { Events = streams |> List.map (fun (_, _, es) -> es) |> Array.concat
          Position = position
          Streams = streams |> List.map (fun (s, v, es) -> s, (v, es)) |> Map.ofList }
