// The one failure a store may throw that is neither bad input nor a defect: it cannot be reached just now.
namespace Hybrid

/// The store is unavailable or timed out (server down, connection lost, overloaded): the request may succeed
/// later. Stores that know such failures throw it (or let the shell classify their own exceptions, see the
/// shell's StoreFailures); HTTP answers 503 with Retry-After.
type StoreUnavailableException(message: string, inner: exn) =
    inherit System.Exception(message, inner)

    /// A failure without an underlying exception.
    new(message: string) = StoreUnavailableException(message, null)
