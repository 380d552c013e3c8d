// The one JSON form of event metadata, shared by every store that keeps it as text or bytes (PostgreSQL's
// metadata jsonb, the embedded store's records). Empty trace and fields are left out, so older rows read the same.
namespace Hybrid

open System
open System.IO
open System.Text.Json

/// Writing and reading event metadata as JSON:
/// <c>{"causationId":…,"correlationId":…,"actor":…,"traceparent":…,"tracestate":…,"fields":{…}}</c>.
module MetadataJson =

    let private writeTo (w: Utf8JsonWriter) (m: EventMetadata) =
        let orEmpty (s: string) = if isNull s then "" else s
        w.WriteStartObject()
        w.WriteString("causationId", orEmpty m.CausationId)
        w.WriteString("correlationId", orEmpty m.CorrelationId)
        w.WriteString("actor", orEmpty m.Actor)
        if not (String.IsNullOrEmpty m.TraceParent) then w.WriteString("traceparent", m.TraceParent)
        if not (String.IsNullOrEmpty m.TraceState) then w.WriteString("tracestate", m.TraceState)
        if not (isNull (box m.Fields)) && not m.Fields.IsEmpty then
            w.WriteStartObject("fields")
            for KeyValue(name, value) in m.Fields do
                w.WriteString(name, orEmpty value)
            w.WriteEndObject()
        w.WriteEndObject()

    /// The metadata as UTF-8 JSON bytes.
    let writeUtf8 (metadata: EventMetadata) : byte[] =
        use buffer = new MemoryStream(128)
        (use w = new Utf8JsonWriter(buffer)
         writeTo w (if obj.ReferenceEquals(metadata, null) then EventMetadata.Empty else metadata))
        buffer.ToArray()

    /// The metadata as JSON text.
    let write (metadata: EventMetadata) : string = Text.Encoding.UTF8.GetString(writeUtf8 metadata)

    let private readFields (reader: byref<Utf8JsonReader>) =
        let mutable fields = Map.empty
        let mutable reading = reader.Read() && reader.TokenType <> JsonTokenType.EndObject
        while reading do
            let name = reader.GetString()
            reader.Read() |> ignore
            if reader.TokenType = JsonTokenType.String then fields <- fields.Add(name, reader.GetString())
            else reader.Skip()
            reading <- reader.Read() && reader.TokenType <> JsonTokenType.EndObject
        fields

    /// Reads metadata from UTF-8 JSON. Missing members read as empty and unknown members are skipped, so rows
    /// written by older or newer versions read. Throws a JsonException when the text is not a JSON object.
    let readUtf8 (utf8: ReadOnlySpan<byte>) : EventMetadata =
        let mutable reader = Utf8JsonReader(utf8)
        if not (reader.Read()) || reader.TokenType <> JsonTokenType.StartObject then
            raise (JsonException "Event metadata must be a JSON object.")
        let mutable causation = ""
        let mutable correlation = ""
        let mutable actor = ""
        let mutable traceParent = ""
        let mutable traceState = ""
        let mutable fields = Map.empty
        let mutable reading = reader.Read() && reader.TokenType <> JsonTokenType.EndObject
        while reading do
            // Names compared in place (no string per member): metadata is read once for every event read.
            let known =
                if reader.ValueTextEquals "causationId"B then 1
                elif reader.ValueTextEquals "correlationId"B then 2
                elif reader.ValueTextEquals "actor"B then 3
                elif reader.ValueTextEquals "traceparent"B then 4
                elif reader.ValueTextEquals "tracestate"B then 5
                elif reader.ValueTextEquals "fields"B then 6
                else 0
            reader.Read() |> ignore
            match known with
            | 6 when reader.TokenType = JsonTokenType.StartObject -> fields <- readFields &reader
            | _ when reader.TokenType <> JsonTokenType.String -> reader.Skip()
            | 1 -> causation <- reader.GetString()
            | 2 -> correlation <- reader.GetString()
            | 3 -> actor <- reader.GetString()
            | 4 -> traceParent <- reader.GetString()
            | 5 -> traceState <- reader.GetString()
            | _ -> ()
            reading <- reader.Read() && reader.TokenType <> JsonTokenType.EndObject
        { CausationId = causation; CorrelationId = correlation; Actor = actor
          TraceParent = traceParent; TraceState = traceState; Fields = fields }

    /// Reads metadata from JSON text (see readUtf8); null or empty text reads as empty metadata.
    let read (json: string) : EventMetadata =
        if String.IsNullOrEmpty json then EventMetadata.Empty
        else
            // A pooled buffer, not a byte array per event read: metadata is read once for every event read.
            let buffer = Buffers.ArrayPool<byte>.Shared.Rent(Text.Encoding.UTF8.GetMaxByteCount json.Length)
            try
                let length = Text.Encoding.UTF8.GetBytes(json, 0, json.Length, buffer, 0)
                readUtf8 (ReadOnlySpan(buffer, 0, length))
            finally
                Buffers.ArrayPool<byte>.Shared.Return buffer
