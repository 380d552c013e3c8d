// A small computation expression for decisions that stop at the first refusal.
[<AutoOpen>]
module Hybrid.Sample.Decisions

/// Chains Result values: the first Error is the outcome.
type ResultBuilder() =
    member _.Bind(r: Result<'a, 'e>, f: 'a -> Result<'b, 'e>) = Result.bind f r
    member _.Return(x: 'a) : Result<'a, 'e> = Ok x
    member _.ReturnFrom(r: Result<'a, 'e>) = r

/// Decisions written as result { let! x = check ...; return events }.
let result = ResultBuilder()
