// Which events a read, a subscription or a consistency condition is about, and the pure matching rule.
namespace Hybrid

/// One alternative of a query: the event's type is any of Types (all types when empty) and it carries all of Tags.
type QueryItem =
    { Types: string[]
      Tags: Tag[] }

    /// Events of any of these types.
    static member OfTypes([<System.ParamArray>] types: string[]) = { Types = types; Tags = [||] }

    /// Events carrying all of these tags.
    static member OfTags([<System.ParamArray>] tags: Tag[]) = { Types = [||]; Tags = tags }

/// A query over a tenant's log: events matching any item (all events when there are none),
/// with position strictly between After and Before, in Direction order, at most Limit of them (0: no limit).
type EventQuery =
    { Items: QueryItem[]
      After: Position
      Before: Position
      Direction: Direction
      Limit: int }

    /// Every event of the tenant, forward.
    static member All =
        { Items = [||]; After = Names.Start; Before = System.Int64.MaxValue; Direction = Direction.Forward; Limit = 0 }

    /// Events matching one item.
    static member Of(item: QueryItem) = { EventQuery.All with Items = [| item |] }

    /// Events of any of these types.
    static member OfTypes([<System.ParamArray>] types: string[]) = EventQuery.Of(QueryItem.OfTypes types)

    /// Events carrying all of these tags.
    static member OfTags([<System.ParamArray>] tags: Tag[]) = EventQuery.Of(QueryItem.OfTags tags)

    /// The same query from a position on (exclusive).
    member q.AfterPosition(position: Position) = { q with After = position }

    /// The same query with at most this many events.
    member q.Take(limit: int) = { q with Limit = limit }

    /// The same query, newest first.
    member q.Backwards() = { q with Direction = Direction.Backward }

/// The matching rule every store must follow.
module EventQuery =

    /// True when an event of this type and these tags matches the item.
    let itemMatches (item: QueryItem) (eventType: string) (tags: Tag[]) =
        (item.Types.Length = 0 || Array.contains eventType item.Types)
        && Array.forall (fun t -> Array.contains t tags) item.Tags

    /// True when an event of this type and these tags matches any item of the query (ignores positions).
    let matchesTypeAndTags (query: EventQuery) (eventType: string) (tags: Tag[]) =
        query.Items.Length = 0 || Array.exists (fun i -> itemMatches i eventType tags) query.Items

    /// True when the recorded event is selected by the query, positions included.
    let matches (query: EventQuery) (e: RecordedEvent) =
        e.Position > query.After && e.Position < query.Before && matchesTypeAndTags query e.Type e.Tags

    /// The events of a log (in position order) that the query selects, in its direction and limit.
    let select (query: EventQuery) (log: RecordedEvent seq) =
        let matching = log |> Seq.filter (matches query)
        let ordered = if query.Direction = Direction.Backward then Seq.rev matching else matching
        let limited = if query.Limit > 0 then Seq.truncate query.Limit ordered else ordered
        Array.ofSeq limited

    /// A query's matches, given all of them in position order, in its direction and at most its limit: what `select`
    /// returns for them, and what a predicate condition sees.
    let directed (query: EventQuery) (matches: RecordedEvent[]) =
        let ordered = if query.Direction = Direction.Backward then Array.rev matches else matches
        if query.Limit > 0 && ordered.Length > query.Limit then Array.truncate query.Limit ordered else ordered
