// Live migration of an aggregate type: which streams move, the pure transformation to the new shape,
// and the commands that act on the new shape once it is done.
namespace Hybrid

/// One stream's migration: the new stream and its events in the new shape.
type MigratedStream =
    { Stream: StreamId
      Events: EventData list }

    /// The events to append: each in the new stream.
    member m.ToAppend = m.Events |> List.map (fun e -> { e with Stream = m.Stream }) |> Array.ofList

/// How an aggregate type moves to a new shape. The shell pauses the aggregate's commands, migrates every stream
/// the source query finds, swaps in the new commands and resumes.
type AggregateMigration =
    { /// The aggregate type whose commands are paused.
      Aggregate: string
      /// The events whose streams belong to the aggregate (their streams are migrated).
      Source: EventQuery
      /// A stream's live events in the old shape → the stream in the new shape (pure).
      Transform: StreamId -> RecordedEvent[] -> MigratedStream
      /// Delete each old stream once its new one is written.
      DeleteOld: bool
      /// The commands that replace the aggregate's commands (same names) when the migration is done.
      Commands: CommandDefinition list }

/// The pure parts of a migration.
module AggregateMigration =

    /// The distinct streams of the source events, in order of first appearance.
    let streamsOf (events: RecordedEvent seq) =
        events |> Seq.choose (fun e -> if isNull e.Stream then None else Some e.Stream) |> Seq.distinct |> List.ofSeq

    /// Checks that every replacement command belongs to the migrated aggregate.
    let validate (migration: AggregateMigration) =
        match migration.Commands |> List.tryFind (fun c -> c.Aggregate <> migration.Aggregate) with
        | Some c -> Error $"The command '{c.Name}' belongs to aggregate '{c.Aggregate}', not to '{migration.Aggregate}' being migrated."
        | None when System.String.IsNullOrWhiteSpace migration.Aggregate -> Error "A migration needs the aggregate type's name."
        | None -> Ok()
