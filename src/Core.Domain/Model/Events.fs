// Events as the domain emits them (EventData) and as stores return them (RecordedEvent).
namespace Hybrid

open System

/// What domain code emits: a type, tags, an optional stream and a JSON body. No id, time or position.
type EventData =
    { /// The event type, e.g. "TodoCreated".
      Type: string
      /// Tags ("kind:id") used by queries and consistency conditions.
      Tags: Tag[]
      /// The stream the event belongs to, or null when it belongs to none.
      Stream: StreamId
      /// The body as JSON text.
      Body: string
      /// The schema version of the body, used by upcasters. 1 for a first schema.
      SchemaVersion: int }

    /// An event of a stream with the given tags.
    static member Create(eventType: string, body: string, stream: StreamId, [<ParamArray>] tags: Tag[]) =
        { Type = eventType; Tags = tags; Stream = stream; Body = body; SchemaVersion = 1 }

    /// An event that belongs to no stream, found by its tags.
    static member Tagged(eventType: string, body: string, [<ParamArray>] tags: Tag[]) =
        { Type = eventType; Tags = tags; Stream = null; Body = body; SchemaVersion = 1 }

/// An event ready to append: the data plus the id (an idempotency key, UUIDv7) and metadata the shell assigns.
type ProposedEvent =
    { Id: Guid
      Data: EventData
      Metadata: EventMetadata }

/// An event as a store returns it.
type RecordedEvent =
    { Id: Guid
      Tenant: TenantId
      /// Gapless per-tenant position, in commit order.
      Position: Position
      /// The stream, or null when the event belongs to none.
      Stream: StreamId
      /// The version within its stream; 0 when it belongs to no stream.
      StreamVersion: StreamVersion
      Type: string
      Tags: Tag[]
      /// The body as the store returned it: UTF-8 bytes it read, decoded on first use of Body, or text.
      Content: EventBody
      SchemaVersion: int
      Metadata: EventMetadata
      Timestamp: DateTimeOffset }

    /// The body as JSON text (a body read as UTF-8 is decoded on first use; Content.Utf8 reads it without decoding).
    member e.Body = e.Content.Text

    /// A copy of the event with another body.
    member e.WithBody(body: string) = { e with Content = EventBody.OfText body }

    /// The data the event was appended with.
    member e.Data =
        { Type = e.Type; Tags = e.Tags; Stream = e.Stream; Body = e.Body; SchemaVersion = e.SchemaVersion }

    /// True when the event carries the tag.
    member e.HasTag(tag: Tag) = Array.contains tag e.Tags
