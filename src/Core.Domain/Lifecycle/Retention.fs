// Retention policies: events of a type older than a maximum age are purged (through the same purge as a stream's),
// on a schedule as the periodic task `Retention.TaskName`. Pure: the shell passes the time and the candidate events.
namespace Hybrid

open System

/// Events of EventType older than MaxAge are purged.
type RetentionPolicy =
    { EventType: string
      MaxAge: TimeSpan }

/// Which events retention purges.
[<RequireQualifiedAccess>]
module Retention =

    /// The policy's problem, or Ok: a valid event type and a positive age.
    let validate (policy: RetentionPolicy) =
        Validation.eventType "eventType" policy.EventType
        |> Result.bind (fun () ->
            if policy.MaxAge <= TimeSpan.Zero then Result.Error { Validation.Field = "maxAge"; Validation.Message = $"The retention of '{policy.EventType}' must be longer than zero." }
            else Ok())

    /// The periodic task whose ticks run retention: each (tenant, due instant) fires once across all nodes, and the
    /// node that wrote its trigger purges the tenant's expired events. Its name is reserved for this task.
    [<Literal>]
    let TaskName = "hybrid.retention"

    /// The task on a schedule for these tenants. A node that was down runs the latest missed instant when it is
    /// back (retention is cumulative: one run purges everything expired by then). Its ticks append only the trigger.
    let task (schedule: Schedule) (tenants: TenantSelection) : PeriodicTask =
        { Name = TaskName
          Schedule = schedule
          Tenants = tenants
          MissedFires = CatchUp 1
          LateTolerance = TimeSpan.Zero
          OnTick = fun _ -> []
          Condition = fun _ -> NoCondition }

    /// The policies' first problem, or Ok: each valid, and at most one policy per event type.
    let validateAll (policies: RetentionPolicy seq) =
        let all = List.ofSeq policies
        let invalid = all |> List.tryPick (fun p -> match validate p with Result.Error e -> Some(p, e) | Ok() -> None)
        match invalid with
        | Some(p, e) -> Result.Error { e with Message = $"Retention of '{p.EventType}': {e.Message}" }
        | None ->
            match all |> List.countBy (fun p -> p.EventType) |> List.tryFind (fun (_, n) -> n > 1) with
            | Some(eventType, _) -> Result.Error { Validation.Field = "eventType"; Validation.Message = $"Two retention policies name '{eventType}'; keep one." }
            | None -> Ok()

    /// The instant before which events of the policy's type have expired.
    let cutoff (now: DateTimeOffset) (policy: RetentionPolicy) = now - policy.MaxAge

    /// The events the policies expire at this instant, by position, each once (placeholders are never expired again).
    let expiredEvents (policies: RetentionPolicy seq) (now: DateTimeOffset) (events: RecordedEvent seq) : RecordedEvent[] =
        let byType = policies |> Seq.map (fun p -> p.EventType, cutoff now p) |> Map.ofSeq
        events
        |> Seq.filter (fun e ->
            not (Purging.isPurged e)
            && (match Map.tryFind e.Type byType with
                | Some before -> e.Timestamp < before
                | None -> false))
        |> Seq.distinctBy (fun e -> e.Position)
        |> Seq.sortBy (fun e -> e.Position)
        |> Array.ofSeq

    /// The positions of the events the policies expire at this instant (placeholders are never expired again).
    let expired (policies: RetentionPolicy seq) (now: DateTimeOffset) (events: RecordedEvent seq) : Position[] =
        expiredEvents policies now events |> Array.map (fun e -> e.Position)

    /// The purge reason kept in the audit event of a retention run: the policies, cut to the purge's reason length.
    let reason (policies: RetentionPolicy seq) =
        let text = "retention: " + String.Join(", ", policies |> Seq.map (fun p -> $"{p.EventType} older than {p.MaxAge}"))
        if text.Length > Purging.ReasonLength then text.Substring(0, Purging.ReasonLength) else text
