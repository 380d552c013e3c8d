// A definition's own request checks (Command.validate, Query.validate) hold on every path: JSON, typed, and through
// Command.parsesAs, whichever order they were declared in.
module Hybrid.Tests.Properties.WriteSide.RequestCheckTests

open Hybrid
open Xunit

/// A request with a field its check requires.
type Rename = { Id: string; Name: string }
/// The same request in an older JSON shape.
type RenameV1 = { Ident: string; Title: string }

let private nameGiven (r: Rename) = JsonPayload.required "name" r.Name

let private rename =
    Command.define<Rename> "Rename" (fun r -> Lookup.Streams [ $"thing-{r.Id}" ]) (fun _ _ _ -> CommandDecision.Accept([], None))
    |> Command.validate nameGiven

let private fieldOf result =
    match result with
    | Error(e: Validation.Error) -> e.Field
    | Ok _ -> "(accepted)"

[<Fact>]
let ``a command's check refuses a typed request as it refuses the same request in JSON`` () =
    Assert.Equal("name", fieldOf (rename.Validate { Id = "a"; Name = " " }))
    Assert.Equal("name", fieldOf (rename.Parse """{"id":"a","name":" "}"""))
    Assert.Equal(Ok(), rename.Validate { Id = "a"; Name = "b" })

[<Fact>]
let ``a command's checks declared one after another all apply to a typed request in order`` () =
    let both = rename |> Command.validate (fun (r: Rename) -> JsonPayload.required "id" r.Id)
    Assert.Equal("name", fieldOf (both.Validate { Id = ""; Name = "" }))
    Assert.Equal("id", fieldOf (both.Validate { Id = ""; Name = "b" }))

[<Fact>]
let ``a command reading another JSON shape through parsesAs keeps the checks declared before it`` () =
    let fromV1 =
        rename |> Command.parsesAs<RenameV1> (fun v1 -> Ok(box { Id = v1.Ident; Name = v1.Title }))
    Assert.Equal("name", fieldOf (fromV1.Parse """{"ident":"a","title":""}"""))
    Assert.Equal("(accepted)", fieldOf (fromV1.Parse """{"ident":"a","title":"t"}"""))

[<Fact>]
let ``a query's check refuses a typed request as it refuses the same request in JSON`` () =
    let query =
        Query.overEvents "Things" (fun (r: Rename) -> EventQuery.OfTypes "Renamed") (fun _ _ _ -> QueryAnswer.Found(box 0))
        |> Query.validate nameGiven
    Assert.Equal("name", fieldOf (query.Validate { Id = "a"; Name = "" }))
    Assert.Equal("name", fieldOf (query.Parse """{"id":"a","name":""}"""))
