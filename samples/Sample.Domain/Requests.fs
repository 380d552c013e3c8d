// The sample's command and query requests: plain records, so the HTTP adapter can parse them from JSON.
module Hybrid.Sample.Requests

type CreateList = { ListId: string; Name: string }
type RenameList = { ListId: string; Name: string }
type AddItem = { ListId: string; Text: string }
type CompleteItem = { ListId: string; ItemId: int }
type DeleteItem = { ListId: string; ItemId: int }
type ClearCompleted = { ListId: string }
type DeleteList = { ListId: string }
type InviteCustomer = { CustomerId: string; Email: string }

/// Queries over a whole read model take no arguments but a limit (0: everything).
type Page = { Limit: int }

/// One list.
type ListById = { ListId: string }

/// The longest list or customer id accepted (a list's stream id, "todolist-" and the id, stays within the store's limit).
[<Literal>]
let MaxIdLength = 100

/// An id named by the field: 1 to 100 letters, digits, '-', '_' or '.'.
let checkId (field: string) (id: string) : Result<unit, Hybrid.Validation.Error> =
    let fail message = Error { Hybrid.Validation.Field = field; Hybrid.Validation.Message = message }
    if System.String.IsNullOrEmpty id then fail $"'{field}' is required."
    elif id.Length > MaxIdLength then fail $"'{field}' is longer than {MaxIdLength} characters."
    elif not (id |> String.forall (fun c -> System.Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.')) then
        fail $"'{field}' may hold only letters, digits, '-', '_' and '.'."
    else Ok()

/// A list id.
let checkListId (listId: string) = checkId "listId" listId

/// A page's limit: 0 (everything) or more.
let checkPage (page: Page) : Result<unit, Hybrid.Validation.Error> =
    if page.Limit < 0 then Error { Hybrid.Validation.Field = "limit"; Hybrid.Validation.Message = $"'limit' must be 0 (everything) or more, not {page.Limit}." }
    else Ok()
