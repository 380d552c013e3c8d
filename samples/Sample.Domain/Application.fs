// The whole sample as the simulator runs it: its definitions, its users and a workload generator (many users
// issuing a mix of commands, some refused, some unauthorized).
module Hybrid.Sample.Application

open Hybrid.Simulation
open Hybrid.Sample.Requests

/// The users of every tenant.
let users: SimulatedUser list =
    [ { Name = "ann"; Roles = [| Access.Roles.Admin; Access.Roles.Member |] }
      { Name = "bob"; Roles = [| Access.Roles.Member |] }
      { Name = "cat"; Roles = [| Access.Roles.Member |] }
      { Name = "eve"; Roles = [| Access.Roles.Member |] }
      { Name = "dan"; Roles = [| Access.Roles.Viewer |] } ]

let private words = [| "milk"; "eggs"; "bread"; "call mum"; "pay rent"; "fix bike"; "read book"; "water plants" |]
let private names = [| "Groceries"; "Chores"; "Work"; "Holidays"; "Reading" |]

/// A request for a registered command.
let request (command: string) (payload: obj) (text: string) = { Command = command; Payload = payload; Text = text }

/// Requests with their readable lines.
module Request =
    let createList listId name = request "CreateList" ({ ListId = listId; Name = name }: CreateList) $"CreateList {listId} '{name}'"
    let renameList listId name = request "RenameList" ({ ListId = listId; Name = name }: RenameList) $"RenameList {listId} '{name}'"
    let addItem listId text = request "AddItem" ({ ListId = listId; Text = text }: AddItem) $"AddItem {listId} '{text}'"
    let completeItem listId item = request "CompleteItem" ({ ListId = listId; ItemId = item }: CompleteItem) $"CompleteItem {listId} #{item}"
    let deleteItem listId item = request "DeleteItem" ({ ListId = listId; ItemId = item }: DeleteItem) $"DeleteItem {listId} #{item}"
    let clearCompleted listId = request "ClearCompleted" ({ ListId = listId }: ClearCompleted) $"ClearCompleted {listId}"
    let deleteList listId = request "DeleteList" ({ ListId = listId }: DeleteList) $"DeleteList {listId}"
    let invite customer email = request "InviteCustomer" ({ CustomerId = customer; Email = email }: InviteCustomer) $"InviteCustomer {customer} <{email}>"

let private todoRequest (choose: IChooser) =
    let listId () = $"list-{choose.Next 24 + 1}"
    let pick (xs: string[]) = xs.[choose.Next xs.Length]
    match choose.Next 79 with
    | n when n < 12 -> Request.createList (listId ()) (pick names)
    | n when n < 17 -> Request.renameList (listId ()) (pick names)
    | n when n < 45 -> Request.addItem (listId ()) (pick words)
    | n when n < 62 -> Request.completeItem (listId ()) (choose.Next 6 + 1)
    | n when n < 70 -> Request.deleteItem (listId ()) (choose.Next 6 + 1)
    | n when n < 76 -> Request.clearCompleted (listId ())
    | _ -> Request.deleteList (listId ())

let private inviteRequest (choose: IChooser) =
    if choose.Chance 0.1 then Request.invite $"c-{choose.Next 1000}" (if choose.Chance 0.5 then "" else "not-an-email")
    else
        let n = choose.Next 200
        Request.invite $"c-{n}" $"customer{n}@example.com"

/// The next command a user tries: lists and emails come from small pools, so commands collide, repeat and get
/// refused as real users' do. Admins mostly invite, members and viewers mostly edit lists; one try in twenty is
/// anything at all, so authorization is probed too.
let nextCommand (choose: IChooser) (user: SimulatedUser) : SimulatedRequest =
    let isAdmin = Array.contains Access.Roles.Admin user.Roles
    let invites = if choose.Chance 0.05 then choose.Chance 0.5 else isAdmin && choose.Chance 0.6
    if invites then inviteRequest choose else todoRequest choose

/// The sample application.
let simulated: SimulatedApplication =
    { Name = "todo lists, invites and their reminders, points and billing"
      Registry = Definitions.registry
      Processors = Definitions.processors
      ProcessManagers = Definitions.processManagers
      PeriodicTasks = Definitions.periodicTasks
      EffectKinds = [ Effects.SendEmail; Effects.ChargeCard ]
      Users = users
      NextCommand = nextCommand }
