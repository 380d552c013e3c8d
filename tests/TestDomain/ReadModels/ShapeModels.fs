// One read model ("totals", version 1) in two releases whose state records hold the same field types in another order:
// what a deploy that edits the state type and forgets the version bump looks like to the cache.
module Hybrid.Tests.TestDomain.ReadModels.ShapeModels

open Hybrid
open Hybrid.Tests.TestDomain.ReadModels.CounterEvents

/// The first release's state.
module Before =
    type Totals = { Events: int; Amount: int }

    let model =
        ReadModel.monolithic "totals" 1 [ CountedType ] decode { Events = 0; Amount = 0 } (fun s e ->
            match e with
            | Counted(_, amount, _) -> { Events = s.Events + 1; Amount = s.Amount + amount }
            | _ -> s)

/// The second release: the fields swapped, the version left at 1.
module After =
    type Totals = { Amount: int; Events: int }

    let model =
        ReadModel.monolithic "totals" 1 [ CountedType ] decode { Amount = 0; Events = 0 } (fun s e ->
            match e with
            | Counted(_, amount, _) -> { Amount = s.Amount + amount; Events = s.Events + 1 }
            | _ -> s)
