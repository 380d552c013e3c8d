// How failing processor work is retried: exponential backoff with jitter, as a pure function of the attempt and
// a random sample the shell passes in (the core draws no random numbers).
namespace Hybrid

open System

/// How a throwing handler or effect is retried before its event is dead-lettered.
type RetryPolicy =
    { /// Attempts in total, the first one included: 1 means no retry. At least 1.
      MaxAttempts: int
      /// The delay before the first retry, before jitter.
      BaseDelay: TimeSpan
      /// The largest delay, before jitter.
      MaxDelay: TimeSpan
      /// The share of each delay that is random, from 0 (none) to 1: a delay d becomes d × (1 − Jitter + Jitter × sample).
      Jitter: float }

    /// Five attempts, 200 ms doubling up to 30 s, half of each delay random.
    static member Default =
        { MaxAttempts = 5; BaseDelay = TimeSpan.FromMilliseconds 200.0; MaxDelay = TimeSpan.FromSeconds 30.0; Jitter = 0.5 }

    /// A single attempt: failures are dead-lettered at once.
    static member NoRetry = { RetryPolicy.Default with MaxAttempts = 1 }

/// The pure retry schedule.
module RetryPolicy =

    /// Problems with a policy, empty when it is usable.
    let problems (policy: RetryPolicy) =
        [ if policy.MaxAttempts < 1 then $"MaxAttempts must be 1 or more, not {policy.MaxAttempts}."
          if policy.BaseDelay < TimeSpan.Zero then "BaseDelay must not be negative."
          if policy.MaxDelay < policy.BaseDelay then "MaxDelay must not be below BaseDelay."
          if not (policy.Jitter >= 0.0 && policy.Jitter <= 1.0) then $"Jitter must be between 0 and 1, not {policy.Jitter}." ]

    /// The delay before a retry, without jitter: BaseDelay × 2^(retry−1), capped at MaxDelay. Retry 1 is the first retry.
    let envelope (policy: RetryPolicy) (retry: int) =
        let doubled = float policy.BaseDelay.Ticks * Math.Pow(2.0, float (max 0 (retry - 1)))
        TimeSpan.FromTicks(int64 (min doubled (float policy.MaxDelay.Ticks)))

    /// The delay before a retry given a sample in [0, 1): within [(1 − Jitter) × envelope, envelope].
    let delay (policy: RetryPolicy) (retry: int) (sample: float) =
        let sample = min 1.0 (max 0.0 sample)
        let factor = 1.0 - policy.Jitter + policy.Jitter * sample
        TimeSpan.FromTicks(int64 (float (envelope policy retry).Ticks * factor))

    /// True when another attempt follows the given (1-based) failed attempt.
    let shouldRetry (policy: RetryPolicy) (failedAttempt: int) = failedAttempt < policy.MaxAttempts
