// What a decision knows besides the command and the state it decides over.
namespace Hybrid

open System

/// Who asks, and the time now. The shell reads the time from its TimeProvider once per attempt (virtual time in
/// simulations), so a decision stays a pure function of its inputs.
type DecisionContext =
    { Caller: Caller
      /// The current time, from the shell's clock.
      Now: DateTimeOffset }

    /// The context of a caller at an instant.
    static member Of(caller: Caller, now: DateTimeOffset) = { Caller = caller; Now = now }
