// Retention policies: events of a type older than a maximum age are purged (through the same purge as a stream's).
// Pure: the shell passes the time and the candidate events.
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

    /// The instant before which events of the policy's type have expired.
    let cutoff (now: DateTimeOffset) (policy: RetentionPolicy) = now - policy.MaxAge

    /// The positions of the events the policies expire at this instant (placeholders are never expired again).
    let expired (policies: RetentionPolicy seq) (now: DateTimeOffset) (events: RecordedEvent seq) : Position[] =
        let byType = policies |> Seq.map (fun p -> p.EventType, cutoff now p) |> Map.ofSeq
        events
        |> Seq.filter (fun e ->
            not (Purging.isPurged e)
            && (match Map.tryFind e.Type byType with
                | Some before -> e.Timestamp < before
                | None -> false))
        |> Seq.map (fun e -> e.Position)
        |> Seq.distinct
        |> Seq.sort
        |> Array.ofSeq
