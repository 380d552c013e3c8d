// What an operation answered, in a form every store can be compared on: timestamps left out (the model has no clock),
// bodies compared as text (every store returns a body as it was appended), exceptions reduced to their kind and field.
namespace Hybrid.Tests.StoreDifferential

open Hybrid

/// A recorded event without its timestamp.
type EventShape =
    { Id: System.Guid
      Tenant: TenantId
      Position: Position
      Stream: StreamId
      Version: StreamVersion
      Type: string
      Tags: Tag list
      Body: string
      SchemaVersion: int
      Metadata: string * string * string }

/// The answer of one operation.
type Answer =
    | Written of EventShape list
    | ConditionFailed of ConditionFailureKind * actualVersion: StreamVersion
    | Invalid of field: string
    | Refused of field: string
    | Threw of exceptionType: string
    | Events of EventShape list
    | Deleted of StreamVersion
    | DeleteRefused of ConditionFailureKind * actualVersion: StreamVersion
    | CheckpointIs of position: Position * fence: int64
    | ClaimFailed of ConditionFailureKind
    | HeadIs of Position
    | StreamIs of version: StreamVersion * deletedUpTo: StreamVersion
    | TenantsAre of TenantId list

module Answer =

    let private nullAsEmpty (s: string) = if isNull s then "" else s

    let shape (e: RecordedEvent) =
        { Id = e.Id
          Tenant = e.Tenant
          Position = e.Position
          Stream = e.Stream
          Version = e.StreamVersion
          Type = e.Type
          Tags = List.ofArray e.Tags
          Body = e.Body
          SchemaVersion = e.SchemaVersion
          Metadata =
            if obj.ReferenceEquals(e.Metadata, null) then "", "", ""
            else nullAsEmpty e.Metadata.CausationId, nullAsEmpty e.Metadata.CorrelationId, nullAsEmpty e.Metadata.Actor }

    let shapes (events: RecordedEvent seq) = events |> Seq.map shape |> List.ofSeq

    let ofAppend (result: AppendResult) =
        match result with
        | AppendResult.Appended events -> Written(shapes events)
        | AppendResult.ConditionFailed f -> ConditionFailed(f.Kind, f.ActualVersion)

    /// The answer of an exception an operation threw: invalid input names its field, a refusal too, else its type.
    let ofException (e: exn) =
        match e with
        | :? System.AggregateException as a when a.InnerExceptions.Count = 1 -> a.InnerException
        | e -> e
        |> function
            | :? AppendRefusedException as r -> Refused r.Field
            | :? InvalidInputException as i -> Invalid i.Field
            | e -> Threw(e.GetType().Name)
