// What a subscriber wants to see beyond a store query: events of streams under a prefix, and a pure predicate.
// Stores filter by the query; the shell applies the rest to what they deliver, so every store behaves alike.
namespace Hybrid

open System

/// A subscription's filter: the store query (types and tags, and the position to start after), a stream prefix
/// (empty: every event, with or without a stream) and a pure predicate over each event (None: all).
type SubscriptionFilter =
    { Query: EventQuery
      StreamPrefix: string
      Predicate: (RecordedEvent -> bool) option }

    /// Every event matching the query.
    static member Of(query: EventQuery) = { Query = query; StreamPrefix = ""; Predicate = None }

    /// The same filter, keeping only events of streams whose id starts with the prefix (ordinal comparison).
    member f.InStreamsStartingWith(prefix: string) = { f with StreamPrefix = (if isNull prefix then "" else prefix) }

    /// The same filter, keeping only events the predicate accepts; it must be pure (it may run more than once). A null
    /// predicate is refused here (ArgumentNullException), not when the first event arrives.
    member f.Where(predicate: Func<RecordedEvent, bool>) =
        if isNull predicate then nullArg (nameof predicate)
        let previous = f.Predicate
        { f with Predicate = Some(fun e -> (match previous with Some p -> p e | None -> true) && predicate.Invoke e) }

/// The pure rule of subscription filters.
module SubscriptionFilter =

    /// True when the event passes the stream prefix and the predicate (the query is the store's part).
    let accepts (filter: SubscriptionFilter) (e: RecordedEvent) =
        (String.IsNullOrEmpty filter.StreamPrefix
         || (not (isNull e.Stream) && e.Stream.StartsWith(filter.StreamPrefix, StringComparison.Ordinal)))
        && (match filter.Predicate with
            | Some predicate -> predicate e
            | None -> true)
