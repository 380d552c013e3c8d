// The pure steps of the decided-state cache: a kept state advanced by the events a command wrote equals the state
// folded from a fresh read, and a kept state that cannot be advanced exactly is dropped.
module Hybrid.Tests.Properties.WriteSide.StateFoldProperties

open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid
open Hybrid.Tests.Properties.Generators

/// A fold that records the positions it saw: equal states mean the same events in the same order.
let private fold =
    { Source = obj ()
      Codec = null
      Initial = box ([]: int64 list)
      Evolve = fun s e -> box (e.Position :: (s :?> int64 list))
      Decide = fun _ _ _ -> CommandDecision.NotFound "unused"
      Lookup = null
      DecideLooked = null }

let private streamOf (log: RecordedEvent[]) (stream: StreamId) = log |> Array.filter (fun e -> e.Stream = stream)

[<Property>]
let ``a kept state advanced by the next events equals the state folded from all of them`` () =
    Prop.forAll (Arb.fromGen (Gen.zip genLog (Gen.choose (0, 15)))) (fun (log, cut) ->
        let streams = log |> Array.choose (fun e -> Option.ofObj e.Stream) |> Array.distinct
        streams
        |> Array.forall (fun stream ->
            let events = streamOf log stream
            let split = min cut events.Length
            let before, after = Array.splitAt split events
            let kept = StateFold.ofEvents fold (int64 split) 0L before
            let all = StateFold.ofEvents fold (int64 events.Length) 0L events
            match StateFold.advance fold stream kept after with
            | Some advanced -> after.Length > 0 && advanced.State = all.State && advanced.Version = all.Version && advanced.IsLive
            | None -> after.Length = 0))

[<Property>]
let ``events that do not follow the kept version exactly leave nothing to keep`` () =
    Prop.forAll (Arb.fromGen genLog) (fun log ->
        let streams = log |> Array.choose (fun e -> Option.ofObj e.Stream) |> Array.distinct
        streams
        |> Array.forall (fun stream ->
            let events = streamOf log stream
            // Kept at a version one short: the written events skip a version, so advancing must refuse.
            let kept = StateFold.ofEvents fold (int64 events.Length + 1L) 0L events
            StateFold.advance fold stream kept events = None))

[<Property>]
let ``a kept live state is written under its exact version and the stream existing`` (version: PositiveInt) =
    let folded = { State = null; Version = int64 version.Get; IsLive = true; Position = 0L }
    let gone = { folded with IsLive = false }
    let v = folded.Version
    let written =
        match StateFold.unchanged "s" folded, StateFold.unchanged "s" gone with
        | All [ AppendCondition.StreamVersion("s", ExpectedVersion.Exact a); AppendCondition.StreamVersion("s", ExpectedVersion.StreamExists) ],
          AppendCondition.StreamVersion("s", ExpectedVersion.Exact b) -> a = v && b = v
        | _ -> false
    written
    && StateFold.isCurrent folded v true
    && not (StateFold.isCurrent folded v false)
    && not (StateFold.isCurrent folded (v + 1L) true)
