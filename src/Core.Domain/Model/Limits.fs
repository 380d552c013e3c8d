// The one table of input limits and character rules: every store and surface checks input against it (Validation),
// and the README's "Limits" section lists it.
namespace Hybrid

/// Limits a store enforces on input that a host may configure.
type InputLimits =
    { /// The largest body, in UTF-8 bytes.
      MaxBodyBytes: int
      /// The most tags one event may carry.
      MaxTags: int
      /// The most events one append may hold.
      MaxEventsPerAppend: int }

    /// 1 MiB bodies, 32 tags, 10,000 events per append.
    static member Default = { MaxBodyBytes = 1 <<< 20; MaxTags = 32; MaxEventsPerAppend = 10_000 }

/// Fixed limits, the same on every store and surface.
[<RequireQualifiedAccess>]
module Limits =
    /// Tenant ids: key characters, 1 to 64 of them.
    [<Literal>]
    let TenantLength = 64

    /// Names of commands, queries, processors, read models and periodic tasks: key characters, 1 to 100.
    [<Literal>]
    let NameLength = 100

    /// Stream ids: identifier characters, 1 to 200, not starting with '$'.
    [<Literal>]
    let StreamLength = 200

    /// Event types: identifier characters, 1 to 200.
    [<Literal>]
    let EventTypeLength = 200

    /// A tag's kind (before the first ':'): key characters, 1 to 64.
    [<Literal>]
    let TagKindLength = 64

    /// A whole tag "kind:value": at most 200 characters; the value is text, at least one character.
    [<Literal>]
    let TagLength = 200

    /// Each metadata value (causation id, correlation id, actor, a user-defined field's value): text, at most 256
    /// characters.
    [<Literal>]
    let MetadataFieldLength = 256

    /// The most user-defined fields an event's metadata may carry.
    [<Literal>]
    let MetadataFields = 32

    /// A user-defined metadata field's name: key characters, 1 to 64 of them.
    [<Literal>]
    let MetadataFieldNameLength = 64

    /// A W3C traceparent in metadata: at most 128 characters, no control characters.
    [<Literal>]
    let TraceParentLength = 128

    /// A W3C tracestate in metadata: at most 512 characters, no control characters.
    [<Literal>]
    let TraceStateLength = 512

    /// A caller's actor, each role and correlation id: text, at most 200 characters (they become event metadata).
    [<Literal>]
    let CallerTextLength = 200

    /// The most roles a caller may have.
    [<Literal>]
    let CallerRoles = 32

    /// How deeply a body's JSON arrays and objects may nest.
    [<Literal>]
    let JsonDepth = 64

    /// The most conditions one append may carry, counting each All and each condition inside one. Stores check them
    /// inside the tenant's write lock; PostgreSQL checks them in one statement, where 10,000 queries outran its command
    /// timeout (and 22,000 its 65,535 parameters) while a thousand take about a second.
    [<Literal>]
    let Conditions = 1_000

    /// The most items one query may hold: PostgreSQL matches tagged items in one statement, which took 9 seconds for
    /// 50,000 of them (and ran past its command timeout beyond) where other stores answered in a tenth of one.
    [<Literal>]
    let QueryItems = 1_000

    /// The most event types one query may name, over all its items: PostgreSQL reads each type as one branch of a
    /// UNION, and 10,000 of them exceeded its stack depth limit (3,000 took seconds) where other stores answered at once.
    [<Literal>]
    let QueryTypes = 1_000

    /// The most UTF-8 bytes the bodies of one append may hold in all, whatever InputLimits allow each: PostgreSQL
    /// sends an append (and a group commit of several) in one message, and a gigabyte of bodies broke its connection
    /// where other stores stored it. PostgreSQL's group commit gathers at most this many body characters.
    [<Literal>]
    let AppendBodyBytes = 64 * 1024 * 1024

    /// How deeply All conditions may nest (an All directly in an append's condition is at depth 1).
    [<Literal>]
    let ConditionDepth = 64

    /// A lease's resource (ILeaseStore): at most 400 characters of text ("processor/{name}/tenant:{tenant}" fits).
    [<Literal>]
    let LeaseResourceLength = 400

    /// A lease's owner, a node id: at most 200 characters of text.
    [<Literal>]
    let LeaseOwnerLength = 200

    /// The longest a lease may be granted or renewed for (it is renewed well before it ends).
    let LeaseDuration = System.TimeSpan.FromDays 1.0
