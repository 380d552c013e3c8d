namespace Hybrid.Shell.GraphQL;

/// <summary>
/// How much one GraphQL document may ask for. A document past a limit is refused with an <c>INVALID</c> error naming
/// <c>query</c>: past the depth, the fields or the fragment depth before it is validated or run (status 400), past
/// the calls for each call after the last one allowed.
/// </summary>
public static class GraphQLLimits
{
    /// <summary>How deep fields may nest (a field inside a field is two deep). The standard introspection query nests 13 deep.</summary>
    public const int MaxDepth = 20;

    /// <summary>
    /// How many fields a document's operations may select together, counting each alias, and each field of a fragment
    /// once for every spread of it: a few bytes of aliases or fragments must not ask for a hundred thousand
    /// resolutions. The standard introspection query selects 181; a hundred commands with their events selected fit too.
    /// </summary>
    public const int MaxFields = 2000;

    /// <summary>
    /// How deep fragments may spread inside fragments (a fragment spreading another is two deep), whether the
    /// operation uses them or not: validation follows every chain of spreads by recursion, and a chain of a few
    /// thousand would overflow the stack and end the process. The standard introspection query spreads them 3 deep.
    /// </summary>
    public const int MaxFragmentDepth = 20;

    /// <summary>How many commands and queries one document may run.</summary>
    public const int MaxCalls = 100;
}
