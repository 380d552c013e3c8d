// The line format of event archives (JSON lines): each line is the SHA-256 of the event's JSON, a space, and the JSON.
// Pure: the shell writes and reads the files; a line that fails its checksum or its shape is an error naming why.
namespace Hybrid

open System
open System.IO
open System.Security.Cryptography
open System.Text
open System.Text.Json

/// Encoding and decoding archive lines.
[<RequireQualifiedAccess>]
module ArchiveLines =

    let private hex (json: string) = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes json))

    let private json (e: RecordedEvent) =
        use buffer = new MemoryStream(256)
        (use w = new Utf8JsonWriter(buffer)
         w.WriteStartObject()
         w.WriteString("id", e.Id)
         w.WriteString("tenant", e.Tenant)
         w.WriteNumber("position", e.Position)
         if isNull e.Stream then w.WriteNull("stream") else w.WriteString("stream", e.Stream)
         w.WriteNumber("streamVersion", e.StreamVersion)
         w.WriteString("type", e.Type)
         w.WriteStartArray("tags")
         for t in e.Tags do w.WriteStringValue t
         w.WriteEndArray()
         w.WriteString("body", e.Body)
         w.WriteNumber("schemaVersion", e.SchemaVersion)
         w.WriteString("metadata", MetadataJson.write e.Metadata)
         w.WriteString("timestamp", e.Timestamp)
         w.WriteEndObject())
        Encoding.UTF8.GetString(buffer.ToArray())

    /// The archive line of an event (no line break).
    let encode (e: RecordedEvent) : string =
        let text = json e
        $"{hex text} {text}"

    /// The event of a line, or a sentence saying what is wrong with it.
    let decode (line: string) : Result<RecordedEvent, string> =
        if String.IsNullOrEmpty line then Error "the line is empty"
        else
            let space = line.IndexOf ' '
            if space <> 64 then Error "the line does not start with a SHA-256 checksum"
            else
                let text = line.Substring(space + 1)
                if not (String.Equals(line.Substring(0, 64), hex text, StringComparison.Ordinal)) then Error "the checksum does not match the event"
                else
                    try
                        use doc = JsonDocument.Parse text
                        let r = doc.RootElement
                        let str (name: string) = r.GetProperty(name).GetString()
                        Ok { Id = r.GetProperty("id").GetGuid()
                             Tenant = str "tenant"
                             Position = r.GetProperty("position").GetInt64()
                             Stream = (match r.GetProperty("stream").ValueKind with JsonValueKind.Null -> null | _ -> str "stream")
                             StreamVersion = r.GetProperty("streamVersion").GetInt64()
                             Type = str "type"
                             Tags = [| for t in r.GetProperty("tags").EnumerateArray() -> t.GetString() |]
                             Content = EventBody.OfText(str "body")
                             SchemaVersion = r.GetProperty("schemaVersion").GetInt32()
                             Metadata = MetadataJson.read (str "metadata")
                             Timestamp = r.GetProperty("timestamp").GetDateTimeOffset() }
                    with
                    | :? JsonException
                    | :? InvalidOperationException
                    | :? FormatException
                    | :? Collections.Generic.KeyNotFoundException as e -> Error $"the event is malformed ({e.Message})"
