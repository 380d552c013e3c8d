// Histories: event data recorded as a store would record it (gapless positions, per-stream versions), so that pure
// runs, generators and laws fold exactly what a store would hand back.
namespace Hybrid.Testing

open System
open Hybrid

/// Recording event data as a store does.
module History =

    /// The instant recorded events get unless told otherwise.
    let epoch = DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)

    /// A deterministic event id for a tenant and position, so a failing case replays identically.
    let idOf (tenant: TenantId) (position: Position) =
        let hash = System.Security.Cryptography.SHA256.HashData(Text.Encoding.UTF8.GetBytes $"{tenant}\n{position}")
        Guid(ReadOnlySpan(hash, 0, 16))

    /// Appends event data to a recorded log: positions continue after its last, stream versions after each stream's last.
    let appendAt (at: DateTimeOffset) (log: RecordedEvent[]) (data: EventData seq) =
        let versions = Collections.Generic.Dictionary<string, StreamVersion>()
        for e in log do
            if not (isNull e.Stream) then versions[e.Stream] <- e.StreamVersion
        let start = if log.Length = 0 then 0L else log.[log.Length - 1].Position
        let tenant = if log.Length = 0 then "tenant-1" else log.[0].Tenant
        let added =
            data
            |> Seq.mapi (fun i d ->
                let position = start + int64 i + 1L
                let version =
                    if isNull d.Stream then 0L
                    else
                        let v = (match versions.TryGetValue d.Stream with | true, v -> v | _ -> 0L) + 1L
                        versions[d.Stream] <- v
                        v
                { Id = idOf tenant position
                  Tenant = tenant
                  Position = position
                  Stream = d.Stream
                  StreamVersion = version
                  Type = d.Type
                  Tags = (if isNull d.Tags then [||] else d.Tags)
                  Content = EventBody.OfText d.Body
                  SchemaVersion = d.SchemaVersion
                  Metadata = EventMetadata.Empty
                  Timestamp = at })
            |> Array.ofSeq
        Array.append log added

    /// Records event data as the tenant's whole log: positions 1..n, stream versions 1.. per stream.
    let recordAt (tenant: TenantId) (at: DateTimeOffset) (data: EventData seq) =
        let recorded = appendAt at [||] data
        recorded |> Array.map (fun e -> { e with Tenant = tenant; Id = idOf tenant e.Position })

    /// Records event data as the tenant's whole log, at the epoch.
    let record (tenant: TenantId) (data: EventData seq) = recordAt tenant epoch data

    /// The stream version and liveness of a stream in a log (0 and false when it has no events).
    let streamState (log: RecordedEvent[]) (stream: StreamId) =
        let events = log |> Array.filter (fun e -> e.Stream = stream)
        if events.Length = 0 then struct (Names.NoVersion, false) else struct (events.[events.Length - 1].StreamVersion, true)
