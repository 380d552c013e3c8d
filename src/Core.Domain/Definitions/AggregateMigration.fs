// Live migration of an aggregate type across every node: which streams move, the pure transformation to the new
// shape, the commands that act on it, and the markers through which nodes agree, per tenant, on the shape in force.
namespace Hybrid

open System
open System.Text.Json
open System.Text.Json.Nodes

/// One stream's migration: the new stream and its events in the new shape.
type MigratedStream =
    { Stream: StreamId
      Events: EventData list }

    /// The events to append: each in the new stream.
    member m.ToAppend = m.Events |> List.map (fun e -> { e with Stream = m.Stream }) |> Array.ofList

/// How an aggregate type moves to a new shape. Per tenant, the migrator appends a Started marker (from then on no node
/// writes the old shape: every command of the aggregate appends under the condition that no marker appeared since it
/// read the shape, and waits while a migration runs), migrates every stream the source query finds, and appends a
/// Completed marker; nodes then run the migration's commands for that tenant.
type AggregateMigration =
    { /// The migration's name, unique per aggregate type: nodes find the new commands by it.
      Name: string
      /// The aggregate type whose commands are paused.
      Aggregate: string
      /// The events whose streams belong to the aggregate (their streams are migrated).
      Source: EventQuery
      /// A stream's live events in the old shape → the stream in the new shape (pure).
      Transform: StreamId -> RecordedEvent[] -> MigratedStream
      /// Delete each old stream once its new one is written.
      DeleteOld: bool
      /// The commands that replace the aggregate's commands (same names) once a tenant is migrated.
      Commands: CommandDefinition list }

/// Where a tenant's aggregate type stands, as its latest marker says.
[<RequireQualifiedAccess>]
type MigrationStatus =
    /// Never migrated: the original commands are in force.
    | Original
    /// The named migration is running: commands wait.
    | Migrating of migration: string
    /// The named migration is done: its commands are in force.
    | Migrated of migration: string

/// The pure parts of a migration.
module AggregateMigration =

    [<Literal>]
    let StartedType = "AggregateMigrationStarted"

    [<Literal>]
    let CompletedType = "AggregateMigrationCompleted"

    /// The tag of every marker of an aggregate type: "migration:<aggregate>".
    let markerTag (aggregate: string) : Tag = $"migration:{aggregate}"

    let private marker (eventType: string) (migration: AggregateMigration) =
        let body = JsonObject()
        body["aggregate"] <- JsonValue.Create migration.Aggregate
        body["migration"] <- JsonValue.Create migration.Name
        EventData.Tagged(eventType, body.ToJsonString(), markerTag migration.Aggregate)

    /// The marker appended before a tenant's streams move.
    let started (migration: AggregateMigration) = marker StartedType migration

    /// The marker appended once a tenant's streams have moved.
    let completed (migration: AggregateMigration) = marker CompletedType migration

    /// The query of an aggregate type's latest marker.
    let markerQuery (aggregate: string) = (EventQuery.OfTags(markerTag aggregate)).Backwards().Take(1)

    /// The status the latest of the markers gives.
    let statusOf (markers: RecordedEvent seq) =
        match markers |> Seq.sortByDescending (fun e -> e.Position) |> Seq.tryHead with
        | None -> MigrationStatus.Original
        | Some latest ->
            use doc = JsonDocument.Parse latest.Body
            let name =
                match doc.RootElement.TryGetProperty "migration" with
                | true, v when v.ValueKind = JsonValueKind.String -> v.GetString()
                | _ -> ""
            if latest.Type = StartedType then MigrationStatus.Migrating name else MigrationStatus.Migrated name

    /// The condition every command of the aggregate appends under: no marker appeared after the position its shape was
    /// read at. A command that read the old shape therefore cannot write once a migration started.
    let unchangedSince (aggregate: string) (position: Position) = FailIfEventsMatch(EventQuery.OfTags(markerTag aggregate), position)

    /// The distinct streams of the source events, in order of first appearance.
    let streamsOf (events: RecordedEvent seq) =
        events |> Seq.choose (fun e -> if isNull e.Stream then None else Some e.Stream) |> Seq.distinct |> List.ofSeq

    /// Checks the migration: named, for a named aggregate, and every replacement command belongs to it.
    let validate (migration: AggregateMigration) =
        match migration.Commands |> List.tryFind (fun c -> c.Aggregate <> migration.Aggregate) with
        | Some c -> Error $"The command '{c.Name}' belongs to aggregate '{c.Aggregate}', not to '{migration.Aggregate}' being migrated."
        | None when String.IsNullOrWhiteSpace migration.Aggregate -> Error "A migration needs the aggregate type's name."
        | None when String.IsNullOrWhiteSpace migration.Name -> Error $"The migration of aggregate '{migration.Aggregate}' needs a name."
        | None -> Ok()
