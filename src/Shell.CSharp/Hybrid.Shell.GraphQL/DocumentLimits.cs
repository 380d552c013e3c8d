using GraphQL.Execution;
using GraphQLParser.AST;
using Hybrid.Shell.Http;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// Parses a request's document and refuses one past <see cref="GraphQLLimits.MaxDepth"/>,
/// <see cref="GraphQLLimits.MaxFields"/> or <see cref="GraphQLLimits.MaxFragmentDepth"/> with an <c>INVALID</c> error
/// naming <c>query</c>, before validation: its rules compare fields pairwise, expand fragments at every spread and
/// follow chains of spreads by recursion, so a small document past the limits would cost seconds there, or the process.
/// </summary>
internal sealed class DocumentLimits : IDocumentBuilder
{
    private readonly GraphQLDocumentBuilder _parser = new();

    /// <inheritdoc />
    public GraphQLDocument Build(string body)
    {
        var document = _parser.Build(body);
        var size = SelectionSize.OfDocument(document);
        if (size.Depth > GraphQLLimits.MaxDepth)
            throw GraphQLOutcomes.Invalid(new Validation.Error("query",
                $"The GraphQL document's selections nest past a depth of {GraphQLLimits.MaxDepth} fields: flatten the selection."));
        if (size.Fields > GraphQLLimits.MaxFields)
            throw GraphQLOutcomes.Invalid(new Validation.Error("query",
                $"The GraphQL document selects more fields than allowed (at most {GraphQLLimits.MaxFields} fields, each alias and each " +
                "field of a fragment counted every time it is used): send it in several requests."));
        if (size.FragmentDepth > GraphQLLimits.MaxFragmentDepth)
            throw GraphQLOutcomes.Invalid(new Validation.Error("query",
                $"The GraphQL document spreads fragments inside fragments past a depth of {GraphQLLimits.MaxFragmentDepth}: inline some of them."));
        return document;
    }
}
