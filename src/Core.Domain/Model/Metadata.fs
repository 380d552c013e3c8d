// Event metadata: who caused an event and why, the trace it belongs to, and fields of the application's own.
// Stored with every event by every store, filtered on nowhere.
namespace Hybrid

open System

/// Who caused an event and why: carried in every recorded event's metadata. Plain strings and a map of strings,
/// so every store can keep it (PostgreSQL as jsonb, embedded stores as the JSON of <c>MetadataJson</c>).
type EventMetadata =
    { /// The id of the message (command or event) that caused this event; empty when none.
      CausationId: string
      /// The id shared by every message of one logical operation; empty when none.
      CorrelationId: string
      /// The identity that caused the event; empty when unknown.
      Actor: string
      /// The W3C trace context (traceparent) of the operation that wrote the event; empty when it was not traced.
      TraceParent: string
      /// The W3C tracestate that goes with TraceParent; empty when none.
      TraceState: string
      /// Fields of the application's own (name → value), e.g. "client" → "mobile". Empty when none.
      Fields: Map<string, string> }

    /// No causation, no correlation, no actor, no trace, no fields.
    static member Empty =
        { CausationId = ""; CorrelationId = ""; Actor = ""; TraceParent = ""; TraceState = ""; Fields = Map.empty }

    /// Metadata with causation, correlation and actor, no trace and no fields.
    static member Of(causationId: string, correlationId: string, actor: string) =
        { EventMetadata.Empty with CausationId = causationId; CorrelationId = correlationId; Actor = actor }

    /// The same metadata in the trace (a W3C traceparent and tracestate; null means empty).
    member m.WithTrace(traceParent: string, traceState: string) =
        { m with TraceParent = (if isNull traceParent then "" else traceParent); TraceState = (if isNull traceState then "" else traceState) }

    /// The same metadata with one more field (replacing a field of that name).
    member m.WithField(name: string, value: string) = { m with Fields = m.Fields.Add(name, value) }

    /// The same metadata with these fields added (replacing fields of the same names).
    member m.WithFields(fields: Collections.Generic.IEnumerable<Collections.Generic.KeyValuePair<string, string>>) =
        if isNull fields then m else { m with Fields = Seq.fold (fun (acc: Map<string, string>) (kv: Collections.Generic.KeyValuePair<string, string>) -> acc.Add(kv.Key, kv.Value)) m.Fields fields }

    /// True when the event was written inside a trace.
    member m.IsTraced = not (String.IsNullOrEmpty m.TraceParent)

    /// The metadata a store records: null metadata is Empty, a null value is "", null fields are none and a field's
    /// null value is "". Every store records (and reads back) the same metadata for the same input, whether it keeps
    /// it as JSON per event or shares arrays across a group commit. Returns the same instance when nothing is null.
    static member normalize(metadata: EventMetadata) =
        if obj.ReferenceEquals(metadata, null) then EventMetadata.Empty
        else
            let text (s: string) = if isNull s then "" else s
            let fieldsHaveNull = not (obj.ReferenceEquals(metadata.Fields, null)) && metadata.Fields |> Map.exists (fun _ v -> isNull v)
            if isNull metadata.CausationId || isNull metadata.CorrelationId || isNull metadata.Actor || isNull metadata.TraceParent
               || isNull metadata.TraceState || obj.ReferenceEquals(metadata.Fields, null) || fieldsHaveNull then
                { CausationId = text metadata.CausationId
                  CorrelationId = text metadata.CorrelationId
                  Actor = text metadata.Actor
                  TraceParent = text metadata.TraceParent
                  TraceState = text metadata.TraceState
                  Fields = if obj.ReferenceEquals(metadata.Fields, null) then Map.empty else metadata.Fields |> Map.map (fun _ v -> text v) }
            else metadata
