// Process managers (sagas): a state per instance, keyed by a correlation value and folded from the instance's own
// events, a pure decision per input (an event of its topics, or one of its deadlines firing) that emits events and
// schedules or cancels deadlines. The shell runs each as a todo processor with one lookup (the instance's own
// events), so leases, fencing, retries, dead letters and exactly-once emits are the processors' own.
namespace Hybrid

open System

/// What a process manager receives.
[<RequireQualifiedAccess>]
type ProcessInput =
    /// An event of its topics.
    | Event of RecordedEvent
    /// One of its deadlines, at or after its time (never one that was cancelled or replaced).
    | Deadline of FiredDeadline

/// What a process manager decides for one input: events to append (they become part of the instance's state) and
/// deadlines to schedule or cancel, all appended atomically with its checkpoint.
type ProcessDecision =
    { Emit: EventData list
      Schedule: DeadlineRequest list
      /// Names of pending deadlines to cancel.
      Cancel: string list }

    /// Nothing to do.
    static member Nothing = { Emit = []; Schedule = []; Cancel = [] }

    /// These events.
    static member Emitting([<ParamArray>] events: EventData[]) = { ProcessDecision.Nothing with Emit = List.ofArray events }

    /// The same decision, also scheduling a deadline.
    member d.AndSchedule(deadline: DeadlineRequest) = { d with Schedule = d.Schedule @ [ deadline ] }

    /// The same decision, also cancelling the pending deadline of a name.
    member d.AndCancel(name: string) = { d with Cancel = d.Cancel @ [ name ] }

/// Which instance a decision is for.
type ProcessContext =
    { Tenant: TenantId
      Manager: string
      /// The instance's correlation value.
      Key: string }

/// A process manager. Its state is untyped here; define one with ProcessManager.define (F#) or Create (C#).
type ProcessManager =
    { Name: string
      /// The events it reacts to (its own deadlines come on top).
      Topics: QueryItem[]
      /// The instance an event belongs to (its correlation value), or None when it is not for this manager.
      CorrelationOf: RecordedEvent -> string option
      Initial: obj
      /// Folds one of the instance's own emitted events into its state (deadline bookkeeping is not shown to it).
      Evolve: obj -> RecordedEvent -> obj
      Decide: ProcessContext -> obj -> ProcessInput -> ProcessDecision
      Retry: RetryPolicy
      Sharding: Sharding }

    /// A process manager over a typed state (C#): a null correlation means the event is not for it.
    static member Create<'S>(name: string, topics: QueryItem[], correlationOf: Func<RecordedEvent, string>, initial: 'S,
                             evolve: Func<'S, RecordedEvent, 'S>, decide: Func<ProcessContext, 'S, ProcessInput, ProcessDecision>) =
        { Name = name
          Topics = topics
          CorrelationOf = fun e -> correlationOf.Invoke e |> Option.ofObj |> Option.filter (String.IsNullOrEmpty >> not)
          Initial = box initial
          Evolve = fun s e -> box (evolve.Invoke(s :?> 'S, e))
          Decide = fun c s i -> decide.Invoke(c, s :?> 'S, i)
          Retry = RetryPolicy.Default
          Sharding = PerTenant }

    /// The same manager with another retry policy.
    member m.WithRetry(retry: RetryPolicy) = { m with Retry = retry }

/// Defining process managers and compiling them to processors.
module ProcessManager =

    /// The name of the lookup reading an instance's own events.
    [<Literal>]
    let StateLookup = "state"

    /// A process manager over a typed state (F#).
    let define<'S> (name: string) (topics: QueryItem[]) (correlationOf: RecordedEvent -> string option) (initial: 'S)
                   (evolve: 'S -> RecordedEvent -> 'S) (decide: ProcessContext -> 'S -> ProcessInput -> ProcessDecision) =
        { Name = name
          Topics = topics
          CorrelationOf = correlationOf
          Initial = box initial
          Evolve = fun s e -> box (evolve (s :?> 'S) e)
          Decide = fun c s i -> decide c (s :?> 'S) i
          Retry = RetryPolicy.Default
          Sharding = PerTenant }

    /// The topics of the processor running the manager: its topics and its fired deadlines.
    let topics (m: ProcessManager) =
        Array.append m.Topics [| { Types = [| Deadlines.FiredType |]; Tags = [| Deadlines.managerTag m.Name |] } |]

    /// The instance a topic event is for: its correlation value, or the key a fired deadline carries.
    let keyOf (m: ProcessManager) (e: RecordedEvent) =
        if e.Type = Deadlines.FiredType && e.HasTag(Deadlines.managerTag m.Name) then
            let manager, key, _ = Deadlines.readFired e
            if manager = m.Name then Some key else None
        else m.CorrelationOf e

    /// The query of an instance's own events: what it emitted and its deadline bookkeeping.
    let stateQuery (m: ProcessManager) (key: string) = EventQuery.OfTags(Deadlines.instanceTag m.Name key)

    /// The instance's state: its own emitted events folded in order (bookkeeping left out).
    let state (m: ProcessManager) (own: RecordedEvent seq) =
        own |> Seq.filter (fun e -> not (Deadlines.isBookkeeping e.Type)) |> Seq.fold m.Evolve m.Initial

    /// The input an event gives: None for a fired deadline the instance has since cancelled or replaced.
    let inputOf (own: RecordedEvent seq) (e: RecordedEvent) =
        if e.Type <> Deadlines.FiredType then Some(ProcessInput.Event e)
        else
            let _, _, deadline = Deadlines.readFired e
            let index = own |> Seq.filter (fun o -> Deadlines.isBookkeeping o.Type) |> Seq.fold Deadlines.apply Deadlines.empty
            if index.Pending.ContainsKey deadline.ScheduledId then Some(ProcessInput.Deadline deadline) else None

    /// The events a decision appends: its events (tagged with the instance), then cancels, then schedules.
    let eventsOf (m: ProcessManager) (key: string) (decision: ProcessDecision) =
        let tag = Deadlines.instanceTag m.Name key
        let tagged = decision.Emit |> List.map (fun e -> if Array.contains tag e.Tags then e else { e with Tags = Array.append e.Tags [| tag |] })
        tagged
        @ (decision.Cancel |> List.map (Deadlines.cancelled m.Name key))
        @ (decision.Schedule |> List.map (Deadlines.scheduled m.Name key))

    /// The pure handling of one topic event given the instance's own events read before it.
    let handle (m: ProcessManager) (tenant: TenantId) (own: RecordedEvent[]) (e: RecordedEvent) =
        match keyOf m e with
        | None -> ProcessorResult.NoOp
        | Some key ->
            match inputOf own e with
            | None -> ProcessorResult.NoOp
            | Some input ->
                let decision = m.Decide { Tenant = tenant; Manager = m.Name; Key = key } (state m own) input
                match eventsOf m key decision with
                | [] -> ProcessorResult.NoOp
                | events -> ProcessorResult.Emit events

    /// Problems with a definition, empty when it can run.
    let problems (m: ProcessManager) =
        [ if String.IsNullOrWhiteSpace m.Name then "The process manager name is empty."
          elif m.Name |> String.exists (fun c -> c = '/' || Char.IsWhiteSpace c || Char.IsControl c) then
              $"The process manager name '{m.Name}' contains '/', spaces or control characters."
          if isNull m.Topics || m.Topics.Length = 0 then $"Process manager '{m.Name}' has no topics."
          if obj.ReferenceEquals(m.CorrelationOf, null) then $"Process manager '{m.Name}' has no correlation function."
          if obj.ReferenceEquals(m.Decide, null) then $"Process manager '{m.Name}' has no decision function."
          yield! RetryPolicy.problems m.Retry |> List.map (fun p -> $"Process manager '{m.Name}': {p}") ]

    /// The todo processor that runs the manager: for each topic event it looks up the instance's own events, folds the
    /// state, decides, and emits the decision's events with its checkpoint.
    let toProcessor (m: ProcessManager) : TodoProcessor =
        { Name = m.Name
          Topics = topics m
          Lookup =
            fun _ e ->
                match keyOf m e with
                | Some key -> [ ProcessorLookup.Events(StateLookup, stateQuery m key) ]
                | None -> []
          Handle = fun c e -> handle m c.Tenant (c.Reads.EventsOf StateLookup) e
          Retry = m.Retry
          Sharding = m.Sharding }
