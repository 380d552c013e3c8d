// Read models over the counter events, one per layout and scope, and plain reference folds to check them against.
module Hybrid.Tests.TestDomain.ReadModels.CounterModels

open Hybrid
open Hybrid.Tests.TestDomain.ReadModels.CounterEvents

/// The monolithic summary: totals per counter, how many events, the last counter touched.
type Summary =
    { Events: int
      Totals: Map<string, int>
      Last: string option }

/// One counter's state in the segmented and partitioned models.
type Counter = { Total: int; Group: string; Touches: int }

let private evolveSummary (s: Summary) (e: CounterEvent) =
    let totals =
        match e with
        | Counted(key, amount, _) -> s.Totals.Add(key, (s.Totals.TryFind key |> Option.defaultValue 0) + amount)
        | Moved _ -> s.Totals
        | Removed key -> s.Totals.Remove key
    { Events = s.Events + 1; Totals = totals; Last = Some(keyOf e) }

let private emptySummary = { Events = 0; Totals = Map.empty; Last = None }

/// Counter evolution shared by the segmented and partitioned models: None removes the counter.
let evolveCounter (state: Counter option) (e: CounterEvent) : Counter option =
    match state, e with
    | _, Removed _ -> None
    | None, Counted(_, amount, group) -> Some { Total = amount; Group = group; Touches = 1 }
    | Some c, Counted(_, amount, group) -> Some { Total = c.Total + amount; Group = group; Touches = c.Touches + 1 }
    | None, Moved(_, group) -> Some { Total = 0; Group = group; Touches = 1 }
    | Some c, Moved(_, group) -> Some { c with Group = group; Touches = c.Touches + 1 }

/// Monolithic: the summary of every counter.
let summary = ReadModel.monolithic "counter-summary" 1 types decode emptySummary evolveSummary

/// Segmented over 16 segments: counters by key.
let segmented = ReadModel.segmentedWithRemoval "counters-segmented" 1 types 16 decode keyOf evolveCounter

/// Partitioned by group: counters by key, in the partition of their current group.
let partitioned = ReadModel.partitioned "counters-by-group" 1 types 8 decode keyOf evolveCounter (fun c -> c.Group)

/// Scoped by tag: one counter's running total (scope = the counter's key).
let totalByTag =
    ReadModel.monolithic "counter-total" 1 [ CountedType ] decode 0 (fun total e ->
        match e with
        | Counted(_, amount, _) -> total + amount
        | _ -> total)
    |> ReadModel.scoped (ByTags(fun key -> [ counterTag key ]))

/// Scoped by partition key: how many events named each group (scope = the group), computed from the event body.
let eventsByGroup =
    ReadModel.monolithic "group-events" 1 [ CountedType; MovedType ] decode 0 (fun n _ -> n + 1)
    |> ReadModel.scoped (ByPartitionKey(fun e -> decode e |> Option.bind groupOf))

/// Scoped by a custom query: the keys of the events tagged with a group (scope = the group), newest first.
let keysByGroupTag =
    ReadModel.monolithic "group-keys" 1 [] decode [] (fun keys e -> keyOf e :: keys)
    |> ReadModel.scoped (CustomQuery(fun group -> EventQuery.OfTags(groupTag group)))

/// Every counter model.
let all = [ summary; segmented; partitioned; totalByTag; eventsByGroup; keysByGroupTag ]

/// Plain folds over decoded events, written without the read-model machinery: the answers every engine must give.
module Reference =

    let private decoded (log: RecordedEvent seq) = log |> Seq.choose decode |> List.ofSeq

    let summary (log: RecordedEvent seq) = decoded log |> List.fold evolveSummary emptySummary

    /// Every counter by key.
    let counters (log: RecordedEvent seq) =
        decoded log
        |> List.fold (fun (m: Map<string, Counter>) e ->
            match evolveCounter (m.TryFind(keyOf e)) e with
            | Some c -> m.Add(keyOf e, c)
            | None -> m.Remove(keyOf e)) Map.empty

    /// The counters whose current group is the given one.
    let partition (group: string) log = counters log |> Map.filter (fun _ c -> c.Group = group)

    /// Group → how many counters are in it.
    let manifest log = counters log |> Map.toList |> List.countBy (fun (_, c) -> c.Group) |> Map.ofList

    let totalByTag (key: string) log =
        decoded log |> List.sumBy (function Counted(k, amount, _) when k = key -> amount | _ -> 0)

    let eventsByGroup (group: string) log =
        decoded log |> List.filter (fun e -> groupOf e = Some group) |> List.length

    let keysByGroupTag (group: string) (log: RecordedEvent seq) =
        log
        |> Seq.filter (fun e -> e.HasTag(groupTag group))
        |> Seq.choose decode
        |> Seq.fold (fun keys e -> keyOf e :: keys) []
