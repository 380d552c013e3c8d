// The one rule for a command id sent as text (an HTTP header, a GraphQL argument): a GUID other than the empty one, in
// any of .NET's text forms; anything else is refused naming the field, quoting at most 40 characters of the text.
module Hybrid.Tests.Properties.WriteSide.CommandIdProperties

open System
open FsCheck.Xunit
open Hybrid

[<Property(MaxTest = 200)>]
let ``every GUID but the empty one parses to itself from each of its text forms`` (id: Guid) =
    [ "D"; "N"; "B"; "P" ]
    |> List.forall (fun format ->
        match Command.parseId "X-Command-Id" (id.ToString format) with
        | Ok parsed -> id <> Guid.Empty && parsed = id
        | Error e -> id = Guid.Empty && e.Field = "X-Command-Id" && e.Message.Contains "empty GUID")

[<Property(MaxTest = 300)>]
let ``text that is no GUID is refused naming the field and quoting at most 40 characters of it`` (text: string) =
    let text = if isNull text then "" else text
    match Guid.TryParse text with
    | true, _ -> true
    | _ ->
        match Command.parseId "commandId" text with
        | Ok _ -> false
        | Error e ->
            let quoted = e.Message.Substring(1, e.Message.IndexOf("' is not a command id", StringComparison.Ordinal) - 1)
            e.Field = "commandId" && quoted.Length <= 41 && text.StartsWith(quoted.TrimEnd '…', StringComparison.Ordinal)
