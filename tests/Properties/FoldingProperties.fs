// Folding: the one loop deciders and read models use.
module Hybrid.Tests.Properties.FoldingProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators

let private evolve (state: int list) (n: int) = n :: state

[<Property>]
let ``folding a concatenation folds the second part from the state of the first`` (first: int list, second: int list) =
    Folding.fold evolve [] (first @ second) = Folding.fold evolve (Folding.fold evolve [] first) second

[<Property>]
let ``folding visits events left to right`` (events: int list) =
    Folding.fold evolve [] events = List.rev events

[<Property>]
let ``folding decoded events skips those the decoder does not know`` () =
    Prop.forAll (Arb.fromGen genLog) (fun log ->
        let decode (e: RecordedEvent) = if e.Type = "Paid" then None else Some(int e.Position)
        let expected = (log |> Array.filter (fun e -> e.Type <> "Paid") |> Array.map (fun e -> int e.Position) |> Array.rev |> List.ofArray)
        Folding.foldDecoded decode evolve [] log = expected)

[<Property>]
let ``the last position of a batch is its highest or the one given`` () =
    Prop.forAll (Arb.fromGen (Gen.zip genLog (Gen.choose (0, 20)))) (fun (log, since) ->
        let expected = if log.Length = 0 then int64 since else max (int64 since) (log |> Array.map (fun e -> e.Position) |> Array.max)
        Folding.lastPosition (int64 since) log = expected)
