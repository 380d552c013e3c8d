using System.Text.Json;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Hybrid.Shell.GraphQL;

/// <summary>
/// The <c>JSON</c> scalar: any JSON value, for payloads and results whose shape GraphQL cannot describe (maps, F#
/// unions, undeclared result types). Written exactly as the HTTP adapter writes it.
/// </summary>
public sealed class JsonScalarGraphType : ScalarGraphType
{
    /// <summary>The scalar, named <c>JSON</c>.</summary>
    public JsonScalarGraphType()
    {
        Name = "JSON";
        Description = "Any JSON value, shaped as the HTTP adapter writes it.";
    }

    /// <inheritdoc />
    public override object? Serialize(object? value) => value switch
    {
        null => null,
        JsonElement element => element,
        _ => JsonSerializer.SerializeToElement(value, value.GetType(), JsonPayload.options),
    };

    /// <inheritdoc />
    public override object? ParseValue(object? value) => value;

    /// <inheritdoc />
    public override bool CanParseValue(object? value) => true;

    /// <inheritdoc />
    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLBooleanValue b => b.BoolValue,
        GraphQLIntValue i => long.Parse(i.Value.ToString(), System.Globalization.CultureInfo.InvariantCulture),
        GraphQLFloatValue f => double.Parse(f.Value.ToString(), System.Globalization.CultureInfo.InvariantCulture),
        GraphQLStringValue s => s.Value.ToString(),
        GraphQLEnumValue e => e.Name.StringValue,
        GraphQLListValue l => (l.Values ?? []).Select(ParseLiteral).ToList(),
        GraphQLObjectValue o => (o.Fields ?? []).ToDictionary(f => f.Name.StringValue, f => ParseLiteral(f.Value)),
        _ => ThrowLiteralConversionError(value),
    };

    /// <inheritdoc />
    public override bool CanParseLiteral(GraphQLValue value) => value is not GraphQLVariable;
}
