// Trigger events of periodic tasks and the append condition that makes each (task, tenant, due instant) fire once
// across all nodes: every node may try; the tag is unique, so only the first append is written.
namespace Hybrid

open System
open System.Globalization

/// Trigger tags, events and conditions.
module Triggers =

    /// The type of the event appended for every tick.
    [<Literal>]
    let TriggeredType = "PeriodicTaskTriggered"

    let private instantFormat = "yyyyMMdd'T'HHmmss.fff'Z'"

    /// The tag carried by every trigger event of a task: "periodic:<task>".
    let taskTag (task: string) : Tag = $"periodic:{task}"

    /// The tag unique to one due instant of a task: "trigger:<task>@<instant UTC>".
    let tag (task: string) (dueAt: DateTimeOffset) : Tag =
        $"trigger:{task}@{dueAt.UtcDateTime.ToString(instantFormat, CultureInfo.InvariantCulture)}"

    /// The due instant written in a trigger tag of the task, when the tag is one.
    let tryParseDue (task: string) (tag: Tag) =
        let prefix = $"trigger:{task}@"
        if tag.StartsWith(prefix, StringComparison.Ordinal) then
            match DateTime.TryParseExact(tag.Substring prefix.Length, instantFormat, CultureInfo.InvariantCulture,
                                         DateTimeStyles.AdjustToUniversal ||| DateTimeStyles.AssumeUniversal) with
            | true, d -> Some(DateTimeOffset(d, TimeSpan.Zero))
            | _ -> None
        else None

    /// The condition that no event carries the tick's trigger tag yet: it makes each due instant fire once.
    let notFiredYet (tick: Tick) = FailIfEventsMatch(EventQuery.OfTags(tag tick.Task tick.DueAt), Names.Start)

    /// The condition under which a tick's append is written: not fired yet, and the task's own condition holds.
    let conditionOf (task: PeriodicTask) (tick: Tick) =
        match task.Condition tick with
        | NoCondition -> notFiredYet tick
        | own -> All [ notFiredYet tick; own ]

    /// The condition of a task without a condition of its own.
    let condition (tick: Tick) = notFiredYet tick

    /// The query for a task's trigger events, newest first: the last one tells when the task last fired.
    let lastTriggerQuery (task: string) = (EventQuery.Of { Types = [| TriggeredType |]; Tags = [| taskTag task |] }).Backwards().Take(1)

    /// The due instant of the latest trigger among a task's trigger events.
    let lastDue (task: string) (events: RecordedEvent seq) =
        events |> Seq.collect (fun e -> e.Tags) |> Seq.choose (tryParseDue task) |> Seq.fold (fun acc d -> Some(match acc with Some a when a > d -> a | _ -> d)) None

    let private triggerBody (tick: Tick) =
        let writer = Text.Json.Nodes.JsonObject()
        writer["task"] <- Text.Json.Nodes.JsonValue.Create tick.Task
        writer["tenant"] <- Text.Json.Nodes.JsonValue.Create tick.Tenant
        writer["dueAt"] <- Text.Json.Nodes.JsonValue.Create(tick.DueAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture))
        writer.ToJsonString()

    /// The events of a tick: the trigger event, then OnTick's events, each carrying the trigger tag.
    let events (task: PeriodicTask) (tick: Tick) =
        let unique = tag tick.Task tick.DueAt
        let trigger = EventData.Tagged(TriggeredType, triggerBody tick, unique, taskTag tick.Task)
        let own = task.OnTick tick |> List.map (fun e -> if Array.contains unique e.Tags then e else { e with Tags = Array.append e.Tags [| unique |] })
        trigger :: own
