// The L2 read-model cache port: pieces of folded state stored under full-width keys, stamped with a watermark.
namespace Hybrid

/// The full-width identity of one read-model instance: every field takes part in equality, nothing is hashed away.
[<CustomEquality; CustomComparison>]
type ReadModelKey =
    { Tenant: TenantId
      Model: string
      Version: int
      /// The instance's scope (a tag, a partition key, a custom query's argument); empty for the whole tenant.
      Scope: string }

    override k.Equals(other: obj) =
        match other with
        | :? ReadModelKey as o ->
            k.Version = o.Version
            && System.String.Equals(k.Tenant, o.Tenant, System.StringComparison.Ordinal)
            && System.String.Equals(k.Model, o.Model, System.StringComparison.Ordinal)
            && System.String.Equals(k.Scope, o.Scope, System.StringComparison.Ordinal)
        | _ -> false

    override k.GetHashCode() = System.HashCode.Combine(k.Tenant, k.Model, k.Version, k.Scope)

    interface System.IEquatable<ReadModelKey> with
        member k.Equals(o: ReadModelKey) = k.Equals(box o)

    interface System.IComparable with
        member k.CompareTo(other: obj) =
            let o = other :?> ReadModelKey
            let c = System.String.CompareOrdinal(k.Tenant, o.Tenant)
            if c <> 0 then c
            else
                let c = System.String.CompareOrdinal(k.Model, o.Model)
                if c <> 0 then c
                else
                    let c = compare k.Version o.Version
                    if c <> 0 then c else System.String.CompareOrdinal(k.Scope, o.Scope)

    override k.ToString() = $"tenant '{k.Tenant}', read model '{k.Model}' v{k.Version}, scope '{k.Scope}'"

/// One stored piece of an instance's state (the whole state, a segment, a partition, an index or a manifest).
type StoredPiece =
    { /// The piece's name within the instance, e.g. "state", "segment/0007", "partition/open".
      Name: string
      /// The piece's serialized value.
      Bytes: byte[] }

/// What the L2 cache holds for an instance: every piece, all folded up to the same watermark.
type StoredInstance =
    { /// The last log position folded into the pieces.
      Watermark: Position
      Pieces: StoredPiece[] }

/// What one write-back changed.
type PieceWrite =
    { /// The stored watermark the change applies to (-1: no instance stored; a value no watermark has, such as
      /// Int64.MinValue, when the writer does not know: the change is then refused). Ignored by a full write.
      Base: Position
      /// True when the pieces written are the whole instance, replacing whatever is stored.
      Full: bool
      /// Pieces written (new or replaced).
      Written: StoredPiece[]
      /// Names of pieces removed.
      Removed: string[] }

/// The L2 read-model cache (LMDB in production, in memory in tests). It is a cache: losing it loses no data,
/// because every instance can be rebuilt from the log. Implementations are thread-safe.
type IReadModelStore =
    /// The instance's pieces and watermark; None when absent, or when an entry is found damaged (it is then dropped).
    abstract Load: key: ReadModelKey -> StoredInstance option
    /// Writes the changed pieces (each stamped with the watermark), removes the removed ones and moves the instance's
    /// watermark, atomically: pieces not named keep their value, which is still the value at the new watermark.
    /// A change that is not full applies only when the stored watermark is its Base (else the cache was lost or
    /// rewritten underneath): then nothing is written and -1 is returned, and the caller writes the whole instance.
    /// Returns the number of bytes written.
    abstract Write: key: ReadModelKey * watermark: Position * changes: PieceWrite -> int64
    /// Deletes one instance.
    abstract Delete: key: ReadModelKey -> unit
    /// The versions of a model that have entries (any tenant, any scope).
    abstract Versions: model: string -> int[]
    /// Deletes every entry of a model's version; returns how many instances were deleted.
    abstract DeleteVersion: model: string * version: int -> int
