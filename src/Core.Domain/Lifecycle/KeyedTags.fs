// Keyed tags: where a uniqueness check needs personal data (an email), the tag holds an HMAC-SHA256 of the value
// under a key of the tenant, never the value. Equal values give equal tags in a tenant, so conditions and lookups on
// the tag still work; without the key the tag tells nothing. Pure: the shell passes the key in (DecisionContext.TagKey).
namespace Hybrid

open System
open System.Security.Cryptography
open System.Text

/// Tags that hold a keyed hash of a value instead of the value.
[<RequireQualifiedAccess>]
module KeyedTags =

    /// The tag `kind:hash`, hash = the first 128 bits of HMAC-SHA256(key, value) in lower-case hex.
    let tag (kind: string) (key: byte[]) (value: string) : Tag =
        let hash = HMACSHA256.HashData((if isNull key then Array.empty else key), Encoding.UTF8.GetBytes(if isNull value then "" else value))
        kind + ":" + Convert.ToHexStringLower(hash, 0, 16)
