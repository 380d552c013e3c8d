// Producers: integration events published from the store to a message broker. The selection (topics) and the
// mapping are pure; the shell runs a producer under the processors' leases and checkpoints (Shell.CSharp/Processors).
namespace Hybrid

open System

/// What a producer publishes for one event: a subject under the tenant's subject, a type and a body.
type IntegrationMessage =
    { /// Dot-separated subject tokens appended to the tenant's subject, e.g. "CustomerInvited" or "orders.placed".
      Subject: string
      /// The message type, carried as a header.
      Type: string
      /// The message body (JSON).
      Body: string }

/// A producer: which events it publishes (topics: event types, optionally with tags) and how each becomes a message.
type Producer =
    { Name: string
      Topics: QueryItem[]
      /// Pure: the message for an event, or None to publish nothing for it. A throwing mapping dead-letters the event.
      Map: RecordedEvent -> IntegrationMessage option
      /// How a message the broker refuses is retried before its event is dead-lettered.
      Retry: RetryPolicy
      Sharding: Sharding }

    /// A producer of these topics and mapping, with default retries, one lease per tenant.
    static member Create(name: string, topics: QueryItem[], map: Func<RecordedEvent, IntegrationMessage option>) =
        { Name = name; Topics = topics; Map = (fun e -> map.Invoke e); Retry = RetryPolicy.Default; Sharding = PerTenant }

    /// The same producer with another retry policy (for messages the broker refuses; an unreachable broker is waited for).
    member p.WithRetry(retry: RetryPolicy) = { p with Retry = retry }

    /// The same producer with another lease split.
    member p.WithSharding(sharding: Sharding) = { p with Sharding = sharding }

/// The pure parts of producing.
module Producer =

    /// The envelope mapping: every selected event published whole (its recorded envelope as the body is written by the
    /// shell), under a subject named after its type. What projectors in other processes consume.
    let recorded (name: string) (topics: QueryItem[]) =
        { Name = name
          Topics = topics
          Map = fun e -> Some { Subject = e.Type; Type = e.Type; Body = e.Body }
          Retry = RetryPolicy.Default
          Sharding = PerTenant }

    /// Problems with a definition, empty when it can run (the same rules as a processor's name and topics).
    let problems (p: Producer) =
        let asProcessor = { Name = p.Name; Topics = p.Topics; Lookup = (fun _ _ -> []); Handle = (fun _ _ -> ProcessorResult.NoOp); Retry = p.Retry; Sharding = p.Sharding }
        [ yield! TodoProcessor.problems asProcessor |> List.map (fun m -> m.Replace("Processor", "Producer").Replace("processor", "producer"))
          if obj.ReferenceEquals(p.Map, null) then $"Producer '{p.Name}' has no mapping." ]

    /// The producer seen as a processor by the shell's lease and checkpoint machinery (its handler is never called).
    let asProcessor (p: Producer) =
        { Name = p.Name
          Topics = p.Topics
          Lookup = fun _ _ -> []
          Handle = fun _ e -> invalidOp $"Producer '{p.Name}' publishes in batches; its handler is not called (event {e.Id})."
          Retry = p.Retry
          Sharding = p.Sharding }
