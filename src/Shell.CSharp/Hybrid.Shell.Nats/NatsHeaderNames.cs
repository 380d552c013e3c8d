namespace Hybrid.Shell.Nats;

/// <summary>The message headers Hybrid writes and reads on the broker.</summary>
public static class NatsHeaderNames
{
    /// <summary>
    /// JetStream's de-duplication id: the event id of an integration message; for a command, a fresh id per send (a
    /// re-send with the same command id is a new message, answered once by the command id, see <see cref="CommandId"/>).
    /// </summary>
    public const string MessageId = "Nats-Msg-Id";
    /// <summary>The tenant of an event or command.</summary>
    public const string Tenant = "Hybrid-Tenant";
    /// <summary>The event's id.</summary>
    public const string EventId = "Hybrid-Event-Id";
    /// <summary>The event's position in its tenant's log.</summary>
    public const string Position = "Hybrid-Position";
    /// <summary>The integration message's type.</summary>
    public const string MessageType = "Hybrid-Type";
    /// <summary>The source event's type.</summary>
    public const string EventType = "Hybrid-Event-Type";
    /// <summary>The source event's stream, when it has one.</summary>
    public const string Stream = "Hybrid-Stream";
    /// <summary>The source event's version in its stream.</summary>
    public const string StreamVersion = "Hybrid-Stream-Version";
    /// <summary>The source event's tags, one header value per tag (a tag may hold a comma).</summary>
    public const string Tags = "Hybrid-Tags";
    /// <summary>The source event's schema version.</summary>
    public const string SchemaVersion = "Hybrid-Schema-Version";
    /// <summary>When the source event was recorded (ISO 8601).</summary>
    public const string Timestamp = "Hybrid-Timestamp";
    /// <summary>The causation id (of an event), or the command id (of a command).</summary>
    public const string CausationId = "Hybrid-Causation-Id";
    /// <summary>The correlation id.</summary>
    public const string CorrelationId = "Hybrid-Correlation-Id";
    /// <summary>The actor.</summary>
    public const string Actor = "Hybrid-Actor";
    /// <summary>A command caller's roles, comma-separated.</summary>
    public const string Roles = "Hybrid-Roles";

    /// <summary>The source event's whole metadata as JSON (<c>MetadataJson</c>), sent when it has a trace context or user-defined fields.</summary>
    public const string Metadata = "Hybrid-Metadata";

    /// <summary>The W3C trace context of the source event, under its standard name, so consumers continue the trace.</summary>
    public const string TraceParent = "traceparent";
    /// <summary>The W3C tracestate that goes with <see cref="TraceParent"/>, under its standard name, when the event has one.</summary>
    public const string TraceState = "tracestate";
    /// <summary>A command's id (a GUID): the handler runs a redelivered command idempotently.</summary>
    public const string CommandId = "Hybrid-Command-Id";
    /// <summary>Where a command's reply goes.</summary>
    public const string ReplyTo = "Hybrid-Reply-To";
    /// <summary>When a command's sender stops waiting (Unix milliseconds): a handler does not start it later.</summary>
    public const string Deadline = "Hybrid-Deadline";
    /// <summary>A reply's outcome (accepted, rejected, invalid, …).</summary>
    public const string Outcome = "Hybrid-Outcome";
    /// <summary>Why a message went to the dead-letter subject.</summary>
    public const string DeadReason = "Hybrid-Dead-Reason";
    /// <summary>The subject a dead-lettered message was published to.</summary>
    public const string DeadSubject = "Hybrid-Dead-Subject";
}
