// Points: each completed todo item earns the user who completed it a point. The points processor emits the
// award (exactly once per completion, committed with its checkpoint); the leaderboard read model sums them.
module Hybrid.Sample.Points

open Hybrid

/// The tag of a user's awards.
let userTag (user: string) : Tag =
    let name = if System.String.IsNullOrEmpty user then "-" else user
    $"user:{name}"

module Events =

    type Awarded = { User: string; ListId: string; ItemId: int; Points: int }

    type Event = PointsAwarded of Awarded

    let types = [| "PointsAwarded" |]

    let encode (PointsAwarded e) = EventData.Tagged("PointsAwarded", Json.serialize e, userTag e.User, TodoLists.tag e.ListId)

    let private decode (e: RecordedEvent) =
        match e.Type with
        | "PointsAwarded" -> Some(PointsAwarded(Json.deserialize e.Body))
        | _ -> None

    /// The event of a recorded one; None for other types. Decodes each recorded event once.
    let tryDecode: RecordedEvent -> Event option = Decoding.memoize decode

    /// The codec of these events (registered with the registry, so test kits can generate them).
    let codec: EventCodec<Event> = { EventTypes = List.ofArray types; Encode = encode; Decode = tryDecode }

/// The award for a completion by a user.
let award (user: string) (completed: TodoLists.Events.ItemRef) =
    Events.PointsAwarded { User = user; ListId = completed.ListId; ItemId = completed.ItemId; Points = 1 }
