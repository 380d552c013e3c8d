// Checking a law with FsCheck and turning the result into a LawReport: the shrunk counter-example, the seed, and
// an exception the definition threw reported as the law's failure, naming the definition.
namespace Hybrid.Testing

open System
open FsCheck
open FsCheck.FSharp

/// A law about one definition: its name, the definition it is about, and the FsCheck property.
type Law =
    { Name: string
      Definition: string
      Property: Property }

/// Checking laws.
module Law =

    /// A law from a property.
    let create (name: string) (definition: string) (property: Property) = { Name = name; Definition = definition; Property = property }

    type private Capture() =
        member val Result: TestResult option = None with get, set

        interface IRunner with
            member _.OnStartFixture _ = ()
            member _.OnArguments(_, _, _) = ()
            member _.OnShrink(_, _) = ()
            member this.OnFinished(_, result) = this.Result <- Some result

    let private parseSeed (text: string) =
        let parts = text.Trim('(', ')', ' ').Split(',', StringSplitOptions.TrimEntries)
        if parts.Length <> 2 then invalidArg "seed" $"'{text}' is not a seed of the form (seed, gamma)."
        Rnd(UInt64.Parse parts.[0], UInt64.Parse parts.[1])

    /// The counter-example's values, a tuple's parts one by one (context, state, command), each as JSON.
    let private show (values: obj list) =
        values
        |> List.collect (fun v ->
            if not (isNull v) && Microsoft.FSharp.Reflection.FSharpType.IsTuple(v.GetType()) then
                List.ofArray (Microsoft.FSharp.Reflection.FSharpValue.GetTupleFields v)
            else [ v ])
        |> List.map Rendering.value
        |> String.concat ",\n"

    /// A fresh seed, chosen here rather than by FsCheck so that a run that throws outside the property (a generator
    /// running a definition) still names the seed replaying it.
    let private freshSeed () =
        let bits () = uint64 (Random.Shared.NextInt64()) ^^^ (uint64 (Random.Shared.Next()) <<< 63)
        Rnd(bits (), bits () ||| 1UL)

    let private unwrap (error: exn) =
        match error with
        | :? Reflection.TargetInvocationException as t when not (isNull t.InnerException) -> t.InnerException
        | :? AggregateException as a when a.InnerExceptions.Count = 1 -> a.InnerException
        | e -> e

    /// Checks the law with the configuration; the report says whether it held and, if not, why.
    let runWith (config: LawConfig) (law: Law) : LawReport =
        let capture = Capture()
        let rnd = match config.Replay with Some s -> parseSeed s | None -> freshSeed ()
        let seed = $"({rnd.Seed}, {rnd.Gamma})"
        let fsConfig = Config.Quick.WithMaxTest(config.MaxTests).WithRunner(capture).WithReplay(Some { Rnd = rnd; Size = None }).WithQuietOnSuccess(true)
        let failed reason case =
            { Law = law.Name; Definition = law.Definition; Passed = false; Tests = 0; Shrinks = 0; CounterExample = case; Reason = reason; Seed = seed }
        let thrown =
            try
                Check.One(fsConfig, law.Property)
                None
            with error -> Some(unwrap error)
        let passed tests =
            { Law = law.Name; Definition = law.Definition; Passed = true; Tests = tests; Shrinks = 0; CounterExample = ""; Reason = ""; Seed = "" }
        match thrown with
        | Some(:? GenerationFailedException as g) -> failed $"Generating a case for the {law.Definition} failed: {g.Message}" $"the commands {g.Case}"
        | Some error ->
            failed $"Generating a case for the {law.Definition} threw {error.GetType().Name}: {error.Message}" "(none: the case could not be generated)"
        | None ->
            match capture.Result with
            | Some(TestResult.Failed(data, _, shrunk, outcome, seed, _, _)) ->
                let labels = data.Labels |> Seq.filter (String.IsNullOrEmpty >> not) |> List.ofSeq
                let reason =
                    match outcome with
                    | _ when not labels.IsEmpty -> String.Join("; ", labels)
                    | Outcome.Failed error when error.Message.StartsWith("Expected true", StringComparison.Ordinal) -> "The property was false."
                    | Outcome.Failed error ->
                        let error = unwrap error
                        $"The {law.Definition} threw {error.GetType().Name}: {error.Message}"
                    | _ -> "The property was false."
                { Law = law.Name
                  Definition = law.Definition
                  Passed = false
                  Tests = data.NumberOfTests
                  Shrinks = data.NumberOfShrinks
                  CounterExample = show shrunk
                  Reason = reason
                  Seed = $"({seed.Seed}, {seed.Gamma})" }
            | Some(TestResult.Passed(data, _)) -> passed data.NumberOfTests
            | Some(TestResult.Exhausted data) ->
                { passed data.NumberOfTests with Passed = false; Reason = "Too many generated cases were discarded."; Seed = seed }
            | None -> invalidOp $"FsCheck reported nothing for law '{law.Name}'."

    /// Checks the law with 100 fresh cases.
    let run (law: Law) = runWith LawConfig.defaults law

    /// Checks the law with the configuration; throws LawFailedException (counter-example and seed) when it fails.
    let verifyWith (config: LawConfig) (law: Law) =
        let report = runWith config law
        if not report.Passed then raise (LawFailedException report)

    /// Checks the law with 100 fresh cases; throws LawFailedException (counter-example and seed) when it fails.
    let verify (law: Law) = verifyWith LawConfig.defaults law
