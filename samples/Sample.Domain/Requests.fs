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
