// Processor checkpoints, fenced by lease tokens so that a node that lost its lease cannot write.
namespace Hybrid

open System.Threading
open System.Threading.Tasks

/// A checkpoint to write together with an append (both or neither).
type CheckpointWrite =
    { /// The processor's name.
      Processor: string
      /// The last source position processed.
      Position: Position
      /// The fencing token of the writer's lease; a write with a token below the checkpoint's fence fails.
      FencingToken: int64 }

/// A processor's checkpoint for one tenant.
[<Struct>]
type Checkpoint =
    { Position: Position
      /// The highest fencing token that claimed this checkpoint.
      Fence: int64 }

/// Checkpoints per (tenant, processor). Stores that also hold events implement it so that
/// an append and its checkpoint commit together.
type ICheckpointStore =
    /// The checkpoint, or position 0 and fence 0 when none was written.
    abstract ReadCheckpoint: tenant: TenantId * processor: string * ct: CancellationToken -> Task<Checkpoint>
    /// Raises the fence to the token (a new lease holder claims the checkpoint) and returns the checkpoint;
    /// a StaleFencingToken failure when a higher token already claimed it. A negative token is bad input
    /// (InvalidInputException, field "fencingToken").
    abstract ClaimCheckpoint: tenant: TenantId * processor: string * fencingToken: int64 * ct: CancellationToken -> Task<Result<Checkpoint, ConditionFailure>>
    /// Writes a checkpoint; fails with StaleFencingToken when the token is below the fence. Positions never go backwards:
    /// a lower position than the stored one is ignored.
    abstract WriteCheckpoint: tenant: TenantId * write: CheckpointWrite * ct: CancellationToken -> Task<Result<Checkpoint, ConditionFailure>>
    /// Sets the checkpoint back to a position (an explicit rebuild), keeping the fence.
    abstract ResetCheckpoint: tenant: TenantId * processor: string * position: Position * ct: CancellationToken -> Task

/// The pure fencing rule.
module Fencing =

    /// A checkpoint write's input, for a write alone or with an append: not null, a processor name (field "processor"),
    /// a position of 0 or more (field "checkpoint.Position"), as ResetCheckpoint asks of its position, and a fencing
    /// token of 0 or more (field "checkpoint.FencingToken").
    let validateWrite (write: CheckpointWrite) =
        if obj.ReferenceEquals(write, null) then Result.Error { Validation.Field = "checkpoint"; Validation.Message = "The checkpoint is null." }
        else
            Validation.processor "processor" write.Processor
            |> Result.bind (fun () -> Validation.checkpointPosition "checkpoint.Position" write.Position)
            |> Result.bind (fun () -> Validation.fencingToken "checkpoint.FencingToken" write.FencingToken)

    /// A claim's input: a processor name (field "processor") and a fencing token of 0 or more (field "fencingToken").
    let validateClaim (processor: string) (token: int64) =
        Validation.processor "processor" processor
        |> Result.bind (fun () -> Validation.fencingToken "fencingToken" token)

    /// The failure of a write whose token is below the fence.
    let stale (tenant: TenantId) (processor: string) (token: int64) (fence: int64) =
        { Kind = ConditionFailureKind.StaleFencingToken
          Reason = $"Tenant '{tenant}': processor '{processor}' wrote with fencing token {token}, but the checkpoint is fenced at {fence}: its lease was lost."
          Stream = null
          ActualVersion = 0L }

    /// Applies a checkpoint write to the current checkpoint.
    let write (tenant: TenantId) (current: Checkpoint) (w: CheckpointWrite) =
        if w.FencingToken < current.Fence then Error(stale tenant w.Processor w.FencingToken current.Fence)
        else Ok { Position = max current.Position w.Position; Fence = w.FencingToken }

    /// Applies a claim to the current checkpoint.
    let claim (tenant: TenantId) (processor: string) (current: Checkpoint) (token: int64) =
        if token < current.Fence then Error(stale tenant processor token current.Fence)
        else Ok { current with Fence = token }
