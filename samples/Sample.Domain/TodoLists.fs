// Todo lists: one stream per list. Parts in the usual order: names, events, fold, decisions.
module Hybrid.Sample.TodoLists

open Hybrid

/// The stream of a list.
let streamId (listId: string) : StreamId = $"todolist-{listId}"

/// The tag every event of a list carries: the command's lookup.
let tag (listId: string) : Tag = $"list:{listId}"

/// The longest name or item text accepted.
[<Literal>]
let MaxTextLength = 200

module Events =

    type Created = { ListId: string; Name: string; Owner: string }
    type Renamed = { ListId: string; Name: string }
    type ItemAdded = { ListId: string; ItemId: int; Text: string }
    type ItemRef = { ListId: string; ItemId: int }
    type Cleared = { ListId: string; ItemIds: int[] }
    type ListRef = { ListId: string }

    type Event =
        | ListCreated of Created
        | ListRenamed of Renamed
        | ItemAdded of ItemAdded
        | ItemCompleted of ItemRef
        | ItemDeleted of ItemRef
        | CompletedCleared of Cleared
        | ListDeleted of ListRef

    /// Every event type of a list.
    let types =
        [| "ListCreated"; "ListRenamed"; "ItemAdded"; "ItemCompleted"; "ItemDeleted"; "CompletedCleared"; "ListDeleted" |]

    let private listOf =
        function
        | ListCreated e -> e.ListId
        | ListRenamed e -> e.ListId
        | ItemAdded e -> e.ListId
        | ItemCompleted e -> e.ListId
        | ItemDeleted e -> e.ListId
        | CompletedCleared e -> e.ListId
        | ListDeleted e -> e.ListId

    /// The event as data to append.
    let encode (event: Event) =
        let eventType, body =
            match event with
            | ListCreated e -> "ListCreated", Json.serialize e
            | ListRenamed e -> "ListRenamed", Json.serialize e
            | ItemAdded e -> "ItemAdded", Json.serialize e
            | ItemCompleted e -> "ItemCompleted", Json.serialize e
            | ItemDeleted e -> "ItemDeleted", Json.serialize e
            | CompletedCleared e -> "CompletedCleared", Json.serialize e
            | ListDeleted e -> "ListDeleted", Json.serialize e
        let listId = listOf event
        EventData.Create(eventType, body, streamId listId, tag listId)

    /// The event of a recorded one; None for other types.
    let private decode (e: RecordedEvent) =
        match e.Type with
        | "ListCreated" -> Some(ListCreated(Json.deserialize e.Body))
        | "ListRenamed" -> Some(ListRenamed(Json.deserialize e.Body))
        | "ItemAdded" -> Some(ItemAdded(Json.deserialize e.Body))
        | "ItemCompleted" -> Some(ItemCompleted(Json.deserialize e.Body))
        | "ItemDeleted" -> Some(ItemDeleted(Json.deserialize e.Body))
        | "CompletedCleared" -> Some(CompletedCleared(Json.deserialize e.Body))
        | "ListDeleted" -> Some(ListDeleted(Json.deserialize e.Body))
        | _ -> None

    /// The event of a recorded one; None for other types. Decodes each recorded event once.
    let tryDecode: RecordedEvent -> Event option = Decoding.memoize decode

    /// The codec of these events (registered with the registry, so test kits can generate them).
    let codec: EventCodec<Event> = { EventTypes = List.ofArray types; Encode = encode; Decode = tryDecode }

module Fold =

    type Item = { Text: string; Done: bool }

    type State =
        { Exists: bool
          Name: string
          Owner: string
          Items: Map<int, Item>
          NextItemId: int }

    let initial = { Exists = false; Name = ""; Owner = ""; Items = Map.empty; NextItemId = 1 }

    let evolve (state: State) (event: Events.Event) =
        match event with
        | Events.ListCreated e -> { initial with Exists = true; Name = e.Name; Owner = e.Owner; NextItemId = state.NextItemId }
        | Events.ListRenamed e -> { state with Name = e.Name }
        | Events.ItemAdded e ->
            { state with
                Items = state.Items.Add(e.ItemId, { Text = e.Text; Done = false })
                NextItemId = max state.NextItemId (e.ItemId + 1) }
        | Events.ItemCompleted e ->
            match state.Items.TryFind e.ItemId with
            | Some item -> { state with Items = state.Items.Add(e.ItemId, { item with Done = true }) }
            | None -> state
        | Events.ItemDeleted e -> { state with Items = state.Items.Remove e.ItemId }
        | Events.CompletedCleared e -> { state with Items = Array.fold (fun items id -> Map.remove id items) state.Items e.ItemIds }
        | Events.ListDeleted _ -> { initial with NextItemId = state.NextItemId }

    let fold: State -> Events.Event seq -> State = Seq.fold evolve

/// What a caller asks of a list.
type Command =
    | Create of listId: string * name: string
    | Rename of listId: string * name: string
    | AddItem of listId: string * text: string
    | Complete of listId: string * itemId: int
    | DeleteItem of listId: string * itemId: int
    | ClearCompleted of listId: string
    | DeleteList of listId: string

/// The list a command is about.
let listOf =
    function
    | Create(id, _)
    | Rename(id, _)
    | AddItem(id, _)
    | Complete(id, _)
    | DeleteItem(id, _)
    | ClearCompleted id
    | DeleteList id -> id

/// The command's name, e.g. "AddItem".
let nameOf =
    function
    | Create _ -> "CreateList"
    | Rename _ -> "RenameList"
    | AddItem _ -> "AddItem"
    | Complete _ -> "CompleteItem"
    | DeleteItem _ -> "DeleteItem"
    | ClearCompleted _ -> "ClearCompleted"
    | DeleteList _ -> "DeleteList"

/// A readable line for logs and the demo.
let describe =
    function
    | Create(id, name) -> $"CreateList {id} '{name}'"
    | Rename(id, name) -> $"RenameList {id} '{name}'"
    | AddItem(id, text) -> $"AddItem {id} '{text}'"
    | Complete(id, item) -> $"CompleteItem {id} #{item}"
    | DeleteItem(id, item) -> $"DeleteItem {id} #{item}"
    | ClearCompleted id -> $"ClearCompleted {id}"
    | DeleteList id -> $"DeleteList {id}"

let private checkText (what: string) (text: string) =
    if System.String.IsNullOrWhiteSpace text then Error $"The {what} is empty."
    elif text.Length > MaxTextLength then Error $"The {what} is longer than {MaxTextLength} characters."
    else Ok(text.Trim())

let private existing (listId: string) (state: Fold.State) =
    if state.Exists then Ok state else Error $"There is no todo list '{listId}'."

let private itemOf (listId: string) (itemId: int) (state: Fold.State) =
    match state.Items.TryFind itemId with
    | Some item -> Ok item
    | None -> Error $"Todo list '{listId}' has no item #{itemId}."

/// Decides the events for a command by the caller (the actor) on the list's state. An empty list means nothing
/// to do, so repeating a command that already took effect writes nothing (AddItem excepted: each adds an item).
let decide (actor: string) (command: Command) (state: Fold.State) : Result<Events.Event list, string> =
    match command with
    | Create(listId, name) ->
        checkText "list name" name
        |> Result.bind (fun name ->
            if not state.Exists then Ok [ Events.ListCreated { ListId = listId; Name = name; Owner = actor } ]
            elif state.Name = name then Ok []
            else Error $"Todo list '{listId}' already exists (named '{state.Name}').")
    | Rename(listId, name) ->
        result {
            let! name = checkText "list name" name
            let! state = existing listId state
            return if state.Name = name then [] else [ Events.ListRenamed { ListId = listId; Name = name } ]
        }
    | AddItem(listId, text) ->
        result {
            let! text = checkText "item text" text
            let! state = existing listId state
            return [ Events.ItemAdded { ListId = listId; ItemId = state.NextItemId; Text = text } ]
        }
    | Complete(listId, itemId) ->
        result {
            let! state = existing listId state
            let! item = itemOf listId itemId state
            return if item.Done then [] else [ Events.ItemCompleted { ListId = listId; ItemId = itemId } ]
        }
    | DeleteItem(listId, itemId) ->
        result {
            let! state = existing listId state
            return if state.Items.ContainsKey itemId then [ Events.ItemDeleted { ListId = listId; ItemId = itemId } ] else []
        }
    | ClearCompleted listId ->
        result {
            let! state = existing listId state
            let done' = state.Items |> Map.filter (fun _ i -> i.Done) |> Map.keys |> Array.ofSeq
            return if done'.Length = 0 then [] else [ Events.CompletedCleared { ListId = listId; ItemIds = done' } ]
        }
    | DeleteList listId ->
        Ok(if state.Exists then [ Events.ListDeleted { ListId = listId } ] else [])
