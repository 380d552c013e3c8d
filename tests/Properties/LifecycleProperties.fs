// The data lifecycle's pure rules: purge plans, retention, sealing personal values and archive lines.
module Hybrid.Tests.Properties.LifecycleProperties

open System
open FsCheck.Xunit
open Hybrid

let private at (position: int64) (eventType: string) (days: int) =
    { Id = Guid(int position, 0s, 0s, Array.zeroCreate 8)
      Tenant = "t1"
      Position = position
      Stream = "s"
      StreamVersion = position
      Type = eventType
      Tags = [| "customer:1" |]
      Content = EventBody.OfText """{"a":1}"""
      SchemaVersion = 1
      Metadata = EventMetadata.Of("c", "r", "ann")
      Timestamp = DateTimeOffset.UnixEpoch.AddDays(float days) }

let private request target =
    { Tenant = "t1"; Target = target; Reason = "why"; AuditId = Guid.Empty; Metadata = EventMetadata.Empty }

[<Property>]
let ``a purge plan replaces exactly the live events, keeping position, id, stream and version`` (purgedFlags: bool list) =
    let events = purgedFlags |> List.mapi (fun i purged -> at (int64 i + 1L) (if purged then Purging.PurgedType else "E") 0) |> Array.ofList
    let version = int64 events.Length
    match Purging.plan (request (WholeStream "s")) version { Version = version; DeletedUpTo = 0L } events with
    | Error _ -> version = 0L
    | Ok plan ->
        let live = events |> Array.filter (fun e -> e.Type <> Purging.PurgedType)
        plan.Placeholders |> Array.map (fun p -> p.Position, p.Id, p.Stream, p.StreamVersion) = (live |> Array.map (fun e -> e.Position, e.Id, e.Stream, e.StreamVersion))
        && plan.Placeholders |> Array.forall (fun p -> p.Type = Purging.PurgedType && p.Tags.Length = 0 && p.Body = Purging.EmptyBody && p.Metadata = EventMetadata.Empty)
        && plan.Tombstone = Some("s", version)
        && plan.Audit.IsSome

[<Property>]
let ``retention expires only events of a policy type older than its age, never placeholders`` (ages: (bool * int) list) =
    let events = ages |> List.mapi (fun i (viewed, days) -> at (int64 i + 1L) (if viewed then "Viewed" else "Other") (abs days % 100)) |> Array.ofList
    let now = DateTimeOffset.UnixEpoch.AddDays 100.0
    let expired = Retention.expired [ { EventType = "Viewed"; MaxAge = TimeSpan.FromDays 30.0 } ] now events
    let expected = events |> Array.filter (fun e -> e.Type = "Viewed" && e.Timestamp < now.AddDays -30.0) |> Array.map (fun e -> e.Position)
    expired = expected

[<Property>]
let ``a set of retention policies is refused exactly when a type repeats or an age is not positive`` (policies: (bool * int) list) =
    let declared = policies |> List.map (fun (viewed, days) -> { EventType = (if viewed then "Viewed" else "Other"); MaxAge = TimeSpan.FromDays(float (days % 50)) })
    let repeats = declared |> List.countBy (fun p -> p.EventType) |> List.exists (fun (_, n) -> n > 1)
    let notPositive = declared |> List.exists (fun p -> p.MaxAge <= TimeSpan.Zero)
    Result.isError (Retention.validateAll declared) = (repeats || notPositive)

[<Property>]
let ``the retention task is a valid periodic task that only fires its trigger and runs the latest missed instant`` (hours: int) =
    let task = Retention.task (Every(TimeSpan.FromHours(float (1 + abs hours % 48)))) AllTenants
    let tick = { Task = task.Name; Tenant = "t1"; DueAt = DateTimeOffset.UnixEpoch }
    Schedules.problems task = []
    && task.Name = Retention.TaskName
    && task.MissedFires = CatchUp 1
    && Triggers.events task tick |> List.map (fun e -> e.Type) = [ Triggers.TriggeredType ]

[<Property>]
let ``sealed personal values unseal to themselves and redact to null without the key`` (email: string) (name: int) =
    let email = if isNull email then "" else email
    let declaration = PersonalData.declare "Registered" "customerId" [ "email"; "name" ]
    let body = Text.Json.JsonSerializer.Serialize(dict [ "customerId", box "c1"; "email", box email; "name", box name; "plan", box "gold" ])
    let token (field: string) (plain: string) = Convert.ToBase64String(Text.Encoding.UTF8.GetBytes(field + "|" + plain))
    let opened (field: string) (t: string) =
        let text = Text.Encoding.UTF8.GetString(Convert.FromBase64String t)
        if text.StartsWith(field + "|") then text.Substring(field.Length + 1) else null
    let sealedBody = (PersonalData.seal declaration body (Func<_, _, _>(token))).Value
    let back = PersonalData.unseal declaration sealedBody (Func<_, _, _, _>(fun _ field t -> opened field t))
    let redacted = Text.Json.JsonDocument.Parse(PersonalData.unseal declaration sealedBody (Func<_, _, _, _>(fun _ _ _ -> null))).RootElement
    Text.Json.Nodes.JsonNode.DeepEquals(Text.Json.Nodes.JsonNode.Parse back, Text.Json.Nodes.JsonNode.Parse body)
    && Text.Json.JsonDocument.Parse(sealedBody).RootElement.GetProperty("email").GetString().StartsWith(PersonalData.SealedPrefix)
    && redacted.GetProperty("email").ValueKind = Text.Json.JsonValueKind.Null
    && redacted.GetProperty("plan").GetString() = "gold"

[<Property>]
let ``an archive line decodes to its event, and any changed character fails it`` (body: string) (index: int) =
    let e = (at 7L "E" 3).WithBody(Text.Json.JsonSerializer.Serialize(if isNull body then "" else body))
    let line = ArchiveLines.encode e
    let decodes = ArchiveLines.decode line = Ok e
    let i = abs index % line.Length
    let changed = line.Substring(0, i) + (if line[i] = 'x' then "y" else "x") + line.Substring(i + 1)
    decodes && (changed = line || Result.isError (ArchiveLines.decode changed))

[<Property>]
let ``a keyed tag is the same for equal values under one key, differs under another key, and never holds the value`` (value: string) (key: byte[]) =
    let value = if isNull value then "" else value
    let key = if isNull key then [||] else key
    let other = Array.append key [| 1uy |]
    let tag = KeyedTags.tag "email" key value
    tag = KeyedTags.tag "email" key value
    && tag <> KeyedTags.tag "email" other value
    && tag.StartsWith "email:" && tag.Length = "email:".Length + 32
    && (value.Length < 4 || not (tag.Contains value))

[<Property>]
let ``a personal subject is refused exactly when empty, too long, with white space or control characters, or starting with a dollar`` (subject: string) =
    let refused = (Validation.personalSubject "subject" subject).IsError
    let expected =
        String.IsNullOrEmpty subject || subject.Length > Limits.NameLength || subject.[0] = '$'
        || subject |> Seq.exists (fun c -> Char.IsControl c || Char.IsWhiteSpace c)
    // Lone surrogates are refused, pairs accepted: the text rules' own properties cover them.
    (not (isNull subject) && subject |> Seq.exists Char.IsSurrogate) || refused = expected
