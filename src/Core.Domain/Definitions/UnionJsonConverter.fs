// F# unions in JSON, through FSharp.SystemTextJson. Only unions go through it: System.Text.Json reads records,
// options and lists itself, which keeps its strict reading (unknown fields, required fields) and its schemas.
namespace Hybrid

open System
open System.Text.Json.Serialization
open Microsoft.FSharp.Reflection

/// Converts F# unions (not options, value options or lists) to and from JSON.
///
/// A case is an object with one property named after it: `{"Circle": {"radius": 1}}`. A case without fields is its
/// name alone (`"Square"`); a case with one field holds the field's value (`{"Note": "text"}`; a record field is
/// read strictly like any record); a case with several fields holds them by name (`{"Rect": {"width": 1, "height": 2}}`).
/// A union with a single case of a single field is that field's value (`type Email = Email of string` is `"a@b"`).
type UnionJsonConverter() =
    inherit JsonConverterFactory()

    /// The encoding described above.
    static member Encoding =
        JsonUnionEncoding.ExternalTag
        ||| JsonUnionEncoding.NamedFields
        ||| JsonUnionEncoding.UnwrapFieldlessTags
        ||| JsonUnionEncoding.UnwrapSingleCaseUnions
        ||| JsonUnionEncoding.UnwrapSingleFieldCases
        ||| JsonUnionEncoding.UnwrapOption

    static member private Inner = JsonFSharpConverter(UnionJsonConverter.Encoding)

    /// True for an F# union that System.Text.Json does not read itself.
    static member IsUnion(t: Type) =
        FSharpType.IsUnion(t, Reflection.BindingFlags.Public ||| Reflection.BindingFlags.NonPublic)
        && not (t.IsGenericType
                && (let d = t.GetGenericTypeDefinition()
                    d = typedefof<option<_>> || d = typedefof<voption<_>> || d = typedefof<list<_>>))

    override _.CanConvert(t) = UnionJsonConverter.IsUnion t

    override _.CreateConverter(t, options) = UnionJsonConverter.Inner.CreateConverter(t, options)
