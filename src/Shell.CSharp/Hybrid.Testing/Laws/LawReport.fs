// What checking a law found: the law, the definition it was checked on, and on failure the counter-example FsCheck
// shrank and the seed that replays it.
namespace Hybrid.Testing

open System

/// The outcome of checking one law on one definition.
type LawReport =
    { Law: string
      /// The kind and name of the definition, e.g. "decider 'todo-list'".
      Definition: string
      Passed: bool
      /// How many cases were tried.
      Tests: int
      /// How many times the failing case was shrunk.
      Shrinks: int
      /// The shrunk counter-example (empty when the law held).
      CounterExample: string
      /// What went wrong with it: the law's own sentence, or the exception the definition threw.
      Reason: string
      /// The seed that replays the run, as "(seed, gamma)"; pass it to LawConfig.replay.
      Seed: string }

    /// The report as a paragraph for people.
    member r.Message =
        if r.Passed then $"Law '{r.Law}' held for {r.Definition} ({r.Tests} cases)."
        else
            $"Law '{r.Law}' failed for {r.Definition} after {r.Tests} case(s), shrunk {r.Shrinks} time(s).\n"
            + $"{r.Reason}\nCounter-example: {r.CounterExample}\nReplay with seed {r.Seed}: LawConfig.replay \"{r.Seed}\""

/// A law that did not hold; the message shows the shrunk counter-example and the seed.
type LawFailedException(report: LawReport) =
    inherit Exception(report.Message)

    /// The report of the failed law.
    member _.Report = report

/// How many cases a law tries, and the seed to replay.
type LawConfig =
    { MaxTests: int
      /// "(seed, gamma)" from a failure report, to replay it; None for a fresh random seed.
      Replay: string option }

/// Law configurations.
module LawConfig =

    /// 100 cases, a fresh seed.
    let defaults = { MaxTests = 100; Replay = None }

    /// The same configuration trying this many cases.
    let withTests (tests: int) (config: LawConfig) = { config with MaxTests = tests }

    /// 100 cases replaying the seed of a failure report ("(seed, gamma)").
    let replay (seed: string) = { defaults with Replay = Some seed }
