// A small lending library, written as a new user writes a hosted application: validated and authorized commands, a
// read model with a query over it, a processor that issues a receipt per loan and an hourly stocktake task.
module Hybrid.Tests.TestDomain.Library

open System
open System.Text.Json
open Hybrid

type AddBook = { BookId: string; Title: string; Copies: int }
type LendBook = { BookId: string; Reader: string }
type Shelf = { Limit: int }

type Event =
    | BookAdded of AddBook
    | BookLent of LendBook

type Command =
    | Add of AddBook
    | Lend of LendBook

type State = { Copies: int; Lent: int; Exists: bool }

let streamOf (bookId: string) = $"book-{bookId}"

let private fail field message : Result<unit, Validation.Error> = Error { Field = field; Message = message }

let checkBookId (bookId: string) =
    if String.IsNullOrEmpty bookId then fail "bookId" "'bookId' is required."
    elif bookId.Length > 50 || not (bookId |> String.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '-')) then
        fail "bookId" "'bookId' holds 1 to 50 letters, digits or '-'."
    else Ok()

let private decide (_: DecisionContext) (command: Command) (s: State) =
    match command with
    | Add b when s.Exists -> Error(Rejection.create "exists" $"Book '{b.BookId}' is already on the shelf.")
    | Add b -> Ok [ BookAdded b ]
    | Lend l when not s.Exists -> Error(Rejection.notFound $"Book '{l.BookId}'")
    | Lend l when s.Lent >= s.Copies ->
        Error(Rejection.create "all-lent" $"Every copy of '{l.BookId}' is lent." |> Rejection.withDetail "copies" (string s.Copies))
    | Lend l -> Ok [ BookLent l ]

let private evolve (s: State) =
    function
    | BookAdded b -> { s with Copies = b.Copies; Exists = true }
    | BookLent _ -> { s with Lent = s.Lent + 1 }

let decider = { Initial = { Copies = 0; Lent = 0; Exists = false }; Evolve = evolve; Decide = decide }

let codec =
    { EventTypes = [ "BookAdded"; "BookLent" ]
      Encode =
        fun e ->
            match e with
            | BookAdded b -> EventData.Tagged("BookAdded", JsonPayload.serialize b, $"book:{b.BookId}")
            | BookLent l -> EventData.Tagged("BookLent", JsonPayload.serialize l, $"book:{l.BookId}")
      Decode =
        fun r ->
            match r.Type with
            | "BookAdded" -> JsonPayload.tryRead<AddBook> r.Body |> Option.map BookAdded
            | "BookLent" -> JsonPayload.tryRead<LendBook> r.Body |> Option.map BookLent
            | _ -> None }

let private bookOf (c: Command) = match c with Add b -> b.BookId | Lend l -> l.BookId

let private denied (what: string) (caller: Caller) =
    let who = if caller.IsAuthenticated then $"'{caller.Actor}'" else "An anonymous caller"
    Authorization.Denied $"{who} may not {what} in tenant '{caller.Tenant}'."

let private isLibrarian (caller: Caller) = caller.IsAuthenticated && caller.Roles |> Seq.contains "librarian"

/// Adds a book: librarians only; a title and 1 to 100 copies.
let addBook =
    Command.ofDecider "AddBook" "book" decider codec (bookOf >> streamOf)
    |> Command.parsesAs<AddBook> (fun b -> Ok(box (Add b)))
    |> Command.validate<Command> (fun c ->
        match c with
        | Add b ->
            checkBookId b.BookId
            |> Result.bind (fun () -> JsonPayload.required "title" b.Title)
            |> Result.bind (fun () -> if b.Copies < 1 || b.Copies > 100 then fail "copies" "'copies' must be 1 to 100." else Ok())
        | Lend _ -> Ok())
    |> Command.authorize<Command> (fun caller _ -> if isLibrarian caller then Authorization.Allowed else denied "add books" caller)

/// Lends a copy to a reader: any signed-in caller; not found for a book never added.
let lendBook =
    Command.ofDecider "LendBook" "book" decider codec (bookOf >> streamOf)
    |> Command.parsesAs<LendBook> (fun l -> Ok(box (Lend l)))
    |> Command.validate<Command> (fun c ->
        match c with
        | Lend l -> checkBookId l.BookId |> Result.bind (fun () -> JsonPayload.required "reader" l.Reader)
        | Add _ -> Ok())
    |> Command.authorize<Command> (fun caller _ -> Authorize.authenticated caller ())

type ShelfEntry = { BookId: string; Title: string; Copies: int; Lent: int }

/// The shelf: every book with its copies and loans, by id.
let shelfModel =
    ReadModel.ofRecorded "shelf" 1 [ "BookAdded"; "BookLent" ] Map.empty<string, ShelfEntry> (fun shelf e ->
        match codec.Decode e with
        | Some(BookAdded b) -> shelf.Add(b.BookId, { BookId = b.BookId; Title = b.Title; Copies = b.Copies; Lent = 0 })
        | Some(BookLent l) ->
            match shelf.TryFind l.BookId with
            | Some entry -> shelf.Add(l.BookId, { entry with Lent = entry.Lent + 1 })
            | None -> shelf
        | None -> shelf)
    |> ReadModel.readableBy (fun caller -> caller.IsAuthenticated) // as its query: read-your-writes may name it

/// The shelf's books in id order, at most limit of them (0: all); limit is 0 to 100.
let shelfQuery =
    Query.overViews<Shelf> "shelf" [ "shelf" ] (fun _ -> [ ViewRef.Of "shelf" ]) (fun _ q views ->
        let books = (views.Head.State :?> Map<string, ShelfEntry>) |> Map.toList |> List.map snd
        QueryAnswer.Found(box (if q.Limit = 0 then books else List.truncate q.Limit books)))
    |> Query.validate<Shelf> (fun q -> if q.Limit < 0 || q.Limit > 100 then fail "limit" "'limit' must be 0 (all) to 100." else Ok())
    |> Query.authorize<Shelf> (fun caller _ -> Authorize.authenticated caller ())

let private field (name: string) (body: string) =
    use doc = JsonDocument.Parse body
    doc.RootElement.GetProperty(name).GetString()

/// Issues a receipt per loan, appended with the processor's checkpoint.
let receipts =
    TodoProcessor.Create("receipts", [| QueryItem.OfTypes "BookLent" |], Func<ProcessorContext, RecordedEvent, ProcessorResult>(fun _ e ->
        let book = field "bookId" e.Body
        ProcessorResult.Emit [ EventData.Tagged("ReceiptIssued", JsonSerializer.Serialize {| bookId = book; loan = e.Position |}, $"book:{book}") ]))

/// An hourly stocktake for every tenant.
let stocktake =
    PeriodicTask.Create("stocktake", Schedule.Every(TimeSpan.FromHours 1.0), Func<Tick, EventData[]>(fun tick ->
        [| EventData.Tagged("StocktakeDue", JsonSerializer.Serialize {| dueAt = tick.DueAt |}, "stocktake:hourly") |]))

/// The whole application.
let registry =
    Registry.empty
    |> WriteSide.addDecider "book" codec
    |> WriteSide.addCommand addBook
    |> WriteSide.addCommand lendBook
    |> WriteSide.addQuery shelfQuery
    |> Runtime.addReadModel shelfModel
    |> Runtime.addProcessor receipts
    |> Runtime.addPeriodicTask stocktake
