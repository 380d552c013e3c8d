// Deadlines of process managers, kept as events so they survive restarts: a manager's decision appends
// DeadlineScheduled (or DeadlineCancelled) with its own events; a deadline scheduler on every node appends
// DeadlineFired once its time has come, under the condition that no event carries its fired tag yet, so each
// deadline fires exactly once across nodes; the manager then receives it as an input.
namespace Hybrid

open System
open System.Globalization
open System.Security.Cryptography
open System.Text
open System.Text.Json
open System.Text.Json.Nodes

/// A deadline a process manager asks for: an input at a time (at once when the time has passed).
type DeadlineRequest =
    { /// The deadline's name within the instance; scheduling a name again replaces its pending deadline.
      Name: string
      DueAt: DateTimeOffset
      /// Data handed back when it fires (JSON text, or empty).
      Payload: string }

    /// A deadline without payload.
    static member At(name: string, dueAt: DateTimeOffset) = { Name = name; DueAt = dueAt; Payload = "" }

/// A deadline that fired: what a process manager receives, never before DueAt.
type FiredDeadline =
    { Name: string
      DueAt: DateTimeOffset
      Payload: string
      /// When it fired (the fired event's timestamp).
      FiredAt: DateTimeOffset
      /// The id of the event that scheduled it.
      ScheduledId: Guid }

/// A scheduled deadline not yet fired nor cancelled, as the deadline scheduler tracks it.
type PendingDeadline =
    { ScheduledId: Guid
      Manager: string
      Key: string
      Name: string
      DueAt: DateTimeOffset
      Payload: string }

/// The pending deadlines of one tenant, folded from its deadline events up to Position.
type DeadlineIndex =
    { Pending: Map<Guid, PendingDeadline>
      /// The pending deadline of each (manager, key, name).
      Slots: Map<string * string * string, Guid>
      Position: Position }

/// Deadline events, tags and the pure rules of scheduling, cancelling and firing.
module Deadlines =

    [<Literal>]
    let ScheduledType = "DeadlineScheduled"

    [<Literal>]
    let CancelledType = "DeadlineCancelled"

    [<Literal>]
    let FiredType = "DeadlineFired"

    let private instantFormat = "yyyy-MM-ddTHH:mm:ss.fffffffZ"

    let private instant (d: DateTimeOffset) = d.UtcDateTime.ToString(instantFormat, CultureInfo.InvariantCulture)

    /// The tag of one process-manager instance: "pm:<manager>/<key>" (a hash of the key when it would be too long).
    let instanceTag (manager: string) (key: string) : Tag =
        let plain = $"pm:{manager}/{key}"
        if plain.Length <= 200 then plain
        else
            let hash = SHA256.HashData(Encoding.UTF8.GetBytes key)
            $"pm:{manager}/#{Convert.ToHexString(hash, 0, 16).ToLowerInvariant()}"

    /// The tag every fired deadline of a manager carries: its topic.
    let managerTag (manager: string) : Tag = $"deadlines:{manager}"

    /// The tag unique to the firing of one scheduled deadline.
    let firedTag (scheduledId: Guid) : Tag = $"deadline:{scheduledId:N}"

    /// Every event type the scheduler follows.
    let types = [| ScheduledType; CancelledType; FiredType |]

    /// The bookkeeping types a manager's own events may hold, which its Evolve never sees.
    let isBookkeeping (eventType: string) = eventType = ScheduledType || eventType = CancelledType

    let private body (pairs: (string * string) list) =
        let o = JsonObject()
        for k, v in pairs do
            o[k] <- JsonValue.Create v
        o.ToJsonString()

    let private parse (e: RecordedEvent) =
        use doc = JsonDocument.Parse e.Body
        let text (name: string) =
            match doc.RootElement.TryGetProperty name with
            | true, v when v.ValueKind = JsonValueKind.String -> v.GetString()
            | _ -> ""
        Some
            {| Manager = text "manager"; Key = text "key"; Name = text "name"; DueAt = text "dueAt"; Payload = text "payload"
               ScheduledId = text "scheduledId" |}

    // Every fold of the deadline index (schedulers, process managers, invariants) reads the same events again.
    let private parsed = Decoding.memoize parse

    let private read (e: RecordedEvent) = (parsed e).Value

    let private parseInstant (text: string) =
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal ||| DateTimeStyles.AdjustToUniversal)

    /// The event a manager's decision appends to schedule a deadline.
    let scheduled (manager: string) (key: string) (request: DeadlineRequest) =
        EventData.Tagged(
            ScheduledType,
            body [ "manager", manager; "key", key; "name", request.Name; "dueAt", instant request.DueAt; "payload", (if isNull request.Payload then "" else request.Payload) ],
            instanceTag manager key)

    /// The event a manager's decision appends to cancel its pending deadline of a name.
    let cancelled (manager: string) (key: string) (name: string) =
        EventData.Tagged(CancelledType, body [ "manager", manager; "key", key; "name", name ], instanceTag manager key)

    /// The event the scheduler appends when a deadline's time has come.
    let fired (pending: PendingDeadline) =
        EventData.Tagged(
            FiredType,
            body
                [ "manager", pending.Manager; "key", pending.Key; "name", pending.Name; "dueAt", instant pending.DueAt
                  "payload", pending.Payload; "scheduledId", pending.ScheduledId.ToString("N") ],
            managerTag pending.Manager,
            firedTag pending.ScheduledId)

    /// The condition of a fired event's append: the deadline has not fired yet (exactly once across nodes).
    let firedCondition (pending: PendingDeadline) = FailIfEventsMatch(EventQuery.OfTags(firedTag pending.ScheduledId), Names.Start)

    /// What a DeadlineFired event says: the manager, the instance key and the input.
    let readFired (e: RecordedEvent) =
        let f = read e
        f.Manager, f.Key,
        { Name = f.Name; DueAt = parseInstant f.DueAt; Payload = f.Payload; FiredAt = e.Timestamp; ScheduledId = Guid.ParseExact(f.ScheduledId, "N") }

    /// The manager and instance key a deadline event belongs to.
    let ownerOf (e: RecordedEvent) =
        let f = read e
        f.Manager, f.Key

    /// No deadline pending, nothing read.
    let empty = { Pending = Map.empty; Slots = Map.empty; Position = Names.Start }

    /// The index without a pending deadline (fired, here or by another node).
    let forget (index: DeadlineIndex) (scheduledId: Guid) =
        match index.Pending.TryFind scheduledId with
        | Some p ->
            let slot = p.Manager, p.Key, p.Name
            let slots = if index.Slots.TryFind slot = Some scheduledId then index.Slots.Remove slot else index.Slots
            { index with Pending = index.Pending.Remove scheduledId; Slots = slots }
        | None -> index

    /// Folds one deadline event (other events only move the position): a schedule replaces the slot's pending deadline,
    /// a cancel removes it, a firing removes the deadline it fired.
    let apply (index: DeadlineIndex) (e: RecordedEvent) =
        let index = { index with Position = max index.Position e.Position }
        match e.Type with
        | ScheduledType ->
            let f = read e
            let slot = f.Manager, f.Key, f.Name
            let pending =
                { ScheduledId = e.Id; Manager = f.Manager; Key = f.Key; Name = f.Name; DueAt = parseInstant f.DueAt; Payload = f.Payload }
            let without =
                match index.Slots.TryFind slot with
                | Some previous -> index.Pending.Remove previous
                | None -> index.Pending
            { index with Pending = without.Add(e.Id, pending); Slots = index.Slots.Add(slot, e.Id) }
        | CancelledType ->
            let f = read e
            let slot = f.Manager, f.Key, f.Name
            match index.Slots.TryFind slot with
            | Some previous -> { index with Pending = index.Pending.Remove previous; Slots = index.Slots.Remove slot }
            | None -> index
        | FiredType ->
            let _, _, deadline = readFired e
            forget index deadline.ScheduledId
        | _ -> index

    /// The pending deadlines due at `now` (DueAt at or before it), earliest first.
    let due (now: DateTimeOffset) (index: DeadlineIndex) =
        index.Pending |> Map.toList |> List.map snd |> List.filter (fun p -> p.DueAt <= now) |> List.sortBy (fun p -> p.DueAt, p.ScheduledId)

    /// The earliest pending due time, if any.
    let next (index: DeadlineIndex) =
        if index.Pending.IsEmpty then None else Some(index.Pending |> Seq.map (fun kv -> kv.Value.DueAt) |> Seq.min)

    /// The query of the deadline events after a position.
    let query (after: Position) = (EventQuery.OfTypes types).AfterPosition after
