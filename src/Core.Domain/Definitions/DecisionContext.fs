// What a decision knows besides the command and the state it decides over.
namespace Hybrid

open System

/// Who asks, the time now, and the tenant's tag key. The shell reads the time from its TimeProvider once per attempt (virtual time in
/// simulations), so a decision stays a pure function of its inputs.
type DecisionContext =
    { Caller: Caller
      /// The current time, from the shell's clock.
      Now: DateTimeOffset
      /// The caller's tenant's key for keyed tags (KeyedTags.tag), kept by the shell's subject key store; empty when
      /// the shell keeps none (tests, shells without a key store).
      TagKey: byte[] }

    /// The context of a caller at an instant, with no tag key.
    static member Of(caller: Caller, now: DateTimeOffset) = { Caller = caller; Now = now; TagKey = Array.empty }

    /// The context of a caller at an instant, with its tenant's tag key.
    static member Of(caller: Caller, now: DateTimeOffset, tagKey: byte[]) =
        { Caller = caller; Now = now; TagKey = (if isNull tagKey then Array.empty else tagKey) }
