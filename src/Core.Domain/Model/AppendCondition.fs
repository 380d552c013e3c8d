// Optimistic concurrency: what must hold for an append to be written, and its pure evaluation.
namespace Hybrid

/// What a stream's version must be for an append to go through.
[<RequireQualifiedAccess>]
type ExpectedVersion =
    /// Whatever the stream's state.
    | Any
    /// The stream has no live events: never written, or deleted.
    | NoStream
    /// The stream has at least one live event.
    | StreamExists
    /// The stream's last version is exactly this one.
    | Exact of StreamVersion

/// The condition an append is checked against inside the store's per-tenant write lock.
type AppendCondition =
    /// Always appends.
    | NoCondition
    /// The stream's version must match.
    | StreamVersion of stream: StreamId * expected: ExpectedVersion
    /// Fails when any event matching the query was appended after the position (a dynamic consistency boundary). Every
    /// match counts: the query's Direction and Limit do not narrow it.
    | FailIfEventsMatch of query: EventQuery * after: Position
    /// Fails unless the check accepts the events matching the query (compare-and-swap on a query's result): the events a
    /// Read of the query returns, in its direction and at most its limit.
    | Predicate of query: EventQuery * check: (RecordedEvent[] -> bool) * description: string
    /// Every condition must hold.
    | All of AppendCondition list

    /// The condition that nothing matching the query appeared after the position.
    static member NothingNewSince(query: EventQuery, after: Position) = FailIfEventsMatch(query, after)

    /// The condition that the stream's version matches.
    static member Expect(stream: StreamId, expected: ExpectedVersion) = StreamVersion(stream, expected)

    /// A predicate condition built from a .NET delegate.
    static member Where(query: EventQuery, check: System.Func<RecordedEvent[], bool>, description: string) =
        // A null delegate stays a null check, which validation rejects (naming condition.Check) before anything is locked.
        Predicate(query, (if isNull check then Unchecked.defaultof<_> else check.Invoke), description)

/// Why a condition failed.
type ConditionFailureKind =
    /// A stream's version was not the expected one.
    | WrongExpectedVersion = 0
    /// Events matching a fail-if-events-match query were appended since the given position.
    | EventsMatched = 1
    /// A predicate condition rejected the matching events.
    | PredicateRejected = 2
    /// Some but not all of the appended event ids were already stored.
    | DuplicateEventIds = 3
    /// A processor's checkpoint was written with a fencing token of a lease it no longer holds.
    | StaleFencingToken = 4

/// An append's condition failure: expected, a value and not an exception.
type ConditionFailure =
    { Kind: ConditionFailureKind
      /// A sentence saying what was expected and what was found.
      Reason: string
      /// The stream concerned, or null.
      Stream: StreamId
      /// The stream's actual version when Kind is WrongExpectedVersion, else 0.
      ActualVersion: StreamVersion }

/// What an append gives back.
type AppendResult =
    /// Written (or already stored with the same ids): the persisted envelopes, in position order.
    | Appended of RecordedEvent[]
    /// Nothing was written.
    | ConditionFailed of ConditionFailure

    /// The persisted events; throws when the condition failed.
    member r.Events =
        match r with
        | Appended es -> es
        | ConditionFailed f -> invalidOp $"The append was not written: {f.Reason}"

/// What a store knows about the tenant's log when it checks a condition, asked lazily inside its write lock.
type IConditionReader =
    /// The stream's last version (0 when never written) and whether it has live events.
    abstract StreamState: stream: StreamId -> struct (StreamVersion * bool)
    /// The events matching a query (its positions included), in position order, all of them: the query's Direction and
    /// Limit are applied by AppendCondition.evaluate (EventQuery.directed).
    abstract Matching: query: EventQuery -> RecordedEvent[]
    /// True when any event matching the query has a position above the given one.
    abstract AnyMatchAfter: query: EventQuery * after: Position -> bool

/// The pure evaluation of conditions, shared by every store.
module AppendCondition =

    /// An expected version in words, for messages people read ("version 17", not F#'s "Exact 17L").
    let describeExpected (expected: ExpectedVersion) =
        match expected with
        | ExpectedVersion.Any -> "any version"
        | ExpectedVersion.NoStream -> "no stream (no live events)"
        | ExpectedVersion.StreamExists -> "an existing stream"
        | ExpectedVersion.Exact v -> $"version {v}"

    let private versionFailure stream (expected: ExpectedVersion) actual =
        Error
            { Kind = ConditionFailureKind.WrongExpectedVersion
              Reason = $"Stream '{stream}' was expected at {describeExpected expected} but is at version {actual}."
              Stream = stream
              ActualVersion = actual }

    /// What an expected version asks of a stream's state: its last version, and whether it has live events
    /// (ValueNone: either). The one statement of what each expected version means; checkVersion and the stores'
    /// one-statement guards (AppendGuard) both hold a state to it.
    let requirement (expected: ExpectedVersion) : struct (StreamVersion voption * bool voption) =
        match expected with
        | ExpectedVersion.Any -> struct (ValueNone, ValueNone)
        | ExpectedVersion.NoStream -> struct (ValueNone, ValueSome false)
        | ExpectedVersion.StreamExists -> struct (ValueNone, ValueSome true)
        | ExpectedVersion.Exact v -> struct (ValueSome v, ValueNone)

    /// True when a stream at this version, live or not, meets the requirement of an expected version.
    let meets (struct (version: StreamVersion voption, live: bool voption)) (actual: StreamVersion, isLive: bool) =
        (version.IsNone || version.Value = actual) && (live.IsNone || live.Value = isLive)

    /// Checks an expected version against a stream's live version and whether it has live events.
    let checkVersion (stream: StreamId) (expected: ExpectedVersion) (version: StreamVersion, live: bool) =
        if meets (requirement expected) (version, live) then Ok() else versionFailure stream expected version

    /// Evaluates a condition against what the store knows; Ok when the append may be written.
    let rec evaluate (context: IConditionReader) (condition: AppendCondition) : Result<unit, ConditionFailure> =
        match condition with
        | NoCondition -> Ok()
        | StreamVersion(stream, expected) ->
            let struct (version, live) = context.StreamState stream
            checkVersion stream expected (version, live)
        | FailIfEventsMatch(query, after) ->
            if context.AnyMatchAfter(query, after) then
                Error
                    { Kind = ConditionFailureKind.EventsMatched
                      Reason = $"Events matching the condition's query were appended after position {after}."
                      Stream = null
                      ActualVersion = 0L }
            else
                Ok()
        | Predicate(query, check, description) ->
            if check (EventQuery.directed query (context.Matching query)) then
                Ok()
            else
                Error
                    { Kind = ConditionFailureKind.PredicateRejected
                      Reason = $"The condition '{description}' rejected the matching events."
                      Stream = null
                      ActualVersion = 0L }
        | All conditions ->
            conditions
            |> List.fold (fun acc c -> acc |> Result.bind (fun () -> evaluate context c)) (Ok())

    /// A reader over a log (position order) and stream states: the reference every store must agree with.
    let readerOfLog (log: RecordedEvent[]) (streamState: StreamId -> struct (StreamVersion * bool)) =
        { new IConditionReader with
            member _.StreamState stream = streamState stream
            member _.Matching q = EventQuery.select { q with Direction = Direction.Forward; Limit = 0 } log
            member _.AnyMatchAfter(q, after) = log |> Array.exists (fun e -> e.Position > after && EventQuery.matches q e) }
