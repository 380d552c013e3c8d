// Identifiers and positions shared by every part of Hybrid. Plain strings and integers keep the core
// cheap to call from C#; their formats are checked by Validation before anything is written.
namespace Hybrid

/// A tenant's id: 1 to 64 characters of letters, digits, '-', '_' or '.', starting with a letter or digit.
type TenantId = string

/// A stream's id: 1 to 200 characters, not starting with '$' (reserved for system streams such as $all).
type StreamId = string

/// A tag in the form "kind:id", e.g. "customer:42".
type Tag = string

/// A per-tenant position in the log: 1 for the first event, gapless, assigned at commit. 0 means "before the first event".
type Position = int64

/// A stream's version: 1 for its first event. 0 means the stream has no events yet.
type StreamVersion = int64

/// Reading order.
type Direction =
    | Forward = 0
    | Backward = 1

/// Well-known names.
[<RequireQualifiedAccess>]
module Names =
    /// The name of every tenant's whole log. Appending to it is rejected.
    [<Literal>]
    let All = "$all"

    /// Positions start after this one.
    [<Literal>]
    let Start: Position = 0L

    /// Stream versions of a stream with no events.
    [<Literal>]
    let NoVersion: StreamVersion = 0L

/// When stores record events.
[<RequireQualifiedAccess>]
module Timestamps =
    /// The instant an event is recorded with: the time truncated to the microsecond, the finest PostgreSQL keeps, so
    /// every store records (and returns) the same timestamp for the same clock reading.
    let recorded (time: System.DateTimeOffset) : System.DateTimeOffset =
        System.DateTimeOffset(time.UtcTicks - time.UtcTicks % 10L, System.TimeSpan.Zero)
