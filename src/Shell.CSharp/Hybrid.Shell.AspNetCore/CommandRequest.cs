using System.Globalization;
using Hybrid.Shell.Commands;
using Microsoft.AspNetCore.Http;

namespace Hybrid.Shell.Http;

/// <summary>
/// What a command request asks for besides its body: <c>If-Match</c> (a version, or <c>*</c>: the stream exists),
/// <c>If-None-Match: *</c> (the stream does not exist yet) or <c>?expectedVersion=</c>, <c>X-Command-Id</c>,
/// <c>X-Metadata-{name}</c> fields (<see cref="MetadataHeaders"/>), and read-your-writes (<c>?waitMs=</c>,
/// <c>?views=</c>). Every value is checked; an unknown query parameter is an error.
/// </summary>
internal sealed record CommandRequest(CommandOptions Options, TimeSpan? Wait, ViewRef[]? Views, Validation.Error? Error)
{
    /// <summary>
    /// The 412 problem document of a precondition that fails before the command runs (a weak entity tag in
    /// <c>If-Match</c>, or a strong one that is no stream version: neither matches anything); null when none does.
    /// </summary>
    public Dictionary<string, object?>? FailedPrecondition { get; private init; }

    /// <summary>The query parameters a command accepts.</summary>
    public static readonly string[] Parameters = ["expectedVersion", "waitMs", "views"];

    /// <summary>The most views one request may wait for.</summary>
    public const int MaxViews = 16;

    /// <summary>Reads and checks the headers and query parameters.</summary>
    public static CommandRequest Parse(HttpRequest http, HybridHttpOptions options)
    {
        var query = http.Query;
        if (QueryParameters.Unknown(query, Parameters) is { } unknown) return Fail(unknown);
        var commandOptions = new CommandOptions();

        var (expected, expectedField) = (http.Headers.IfMatch.ToString().Trim(), "If-Match");
        var absent = http.Headers.IfNoneMatch.ToString().Trim();
        if (absent.Length > 0)
        {
            // RFC 9110: If-None-Match: * asks that the target not exist yet; here, that the stream has no live events.
            if (absent != "*") return Fail("If-None-Match", $"'{Shown(absent)}' is not accepted: If-None-Match takes only '*' (the stream must not exist yet).");
            if (expected.Length > 0 || query.ContainsKey("expectedVersion"))
                return Fail("If-None-Match", "If-None-Match: * and an expected version exclude each other: give one.");
            commandOptions = commandOptions with { ExpectedVersion = ExpectedVersion.NoStream };
        }
        // Both ways of giving the expected version at once: refused, as a header given twice is (one is never picked).
        if (expected.Length > 0 && query.ContainsKey("expectedVersion"))
            return Fail("If-Match", "If-Match and ?expectedVersion both give the expected version: give one.");
        if (expected.Length == 0) (expected, expectedField) = (query["expectedVersion"].ToString(), "expectedVersion");
        if (expected == "*" && expectedField == "If-Match")
            commandOptions = commandOptions with { ExpectedVersion = ExpectedVersion.StreamExists }; // the stream must exist
        else if (expected.Length > 0)
        {
            var tag = expectedField == "If-Match" ? EntityTag.Parse(expected) : null;
            if (tag is { Weak: true }) return WeakTag(expected, tag);
            if (tag is not null && !long.TryParse(tag.Opaque, NumberStyles.None, CultureInfo.InvariantCulture, out _)) return NoVersionTag(expected, tag);
            var unquoted = tag?.Opaque ?? expected;
            // A sign is read so that a negative version meets the core's expected-version rule (GraphQL's too).
            if (!long.TryParse(unquoted, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version))
                return Fail(expectedField, expectedField == "If-Match" && tag is null
                    ? NotAnEntityTag(expected)
                    : $"'{Shown(expected)}' is not a stream version: give a whole number, 0 or more.");
            var exact = ExpectedVersion.NewExact(version);
            if (Validation.expectedVersion(expectedField, exact) is { IsError: true } bad) return Fail(bad.ErrorValue);
            commandOptions = commandOptions with { ExpectedVersion = exact };
        }

        var (commandId, commandIdError) = SingleHeader.Read(http.Headers, "X-Command-Id");
        if (commandIdError is not null) return Fail(commandIdError);
        if (commandId.Length > 0)
        {
            var parsed = Command.parseId("X-Command-Id", commandId);
            if (parsed.IsError) return Fail(parsed.ErrorValue);
            commandOptions = commandOptions with { CommandId = parsed.ResultValue };
        }

        var (fields, fieldsError) = MetadataHeaders.Read(http.Headers);
        if (fieldsError is not null) return Fail(fieldsError);
        if (fields.Count > 0) commandOptions = commandOptions with { Fields = fields };

        TimeSpan? wait = null;
        var waitMs = query["waitMs"].ToString();
        if (waitMs.Length > 0)
        {
            var max = (long)options.MaxWait.TotalMilliseconds;
            if (!long.TryParse(waitMs, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) || ms > max)
                return Fail("waitMs", $"'{Shown(waitMs)}' is not a wait: give a whole number of milliseconds from 0 to {max}.");
            if (options.Views is null) return Fail("waitMs", "This server has no read-model views to wait for: read-your-writes is not available.");
            wait = TimeSpan.FromMilliseconds(ms);
        }

        ViewRef[]? views = null;
        var viewList = query["views"].ToString();
        if (query.ContainsKey("views"))
        {
            if (wait is null) return Fail("views", "'views' names what read-your-writes waits for: it needs 'waitMs' too.");
            var parsed = ViewList.Parse(viewList, options.Views!, MaxViews);
            if (parsed.IsError) return Fail(parsed.ErrorValue);
            views = parsed.ResultValue;
        }
        return new CommandRequest(commandOptions, wait, views, null);
    }

    /// <summary>A value as shown in a message: at most 40 characters.</summary>
    public static string Shown(string value) => value.Length <= 40 ? value : value[..40] + "…";

    /// <summary>Why an If-Match value that is neither *, one entity tag nor a bare version is refused.</summary>
    private static string NotAnEntityTag(string value) =>
        value.Contains(',', StringComparison.Ordinal)
            ? $"If-Match '{Shown(value)}' lists several entity tags: give one, the ETag of an accepted command (a stream version in double quotes, such as \"3\"), or * for a stream that exists."
            : $"If-Match '{Shown(value)}' is not an entity tag: give the ETag of an accepted command (a stream version in double quotes, such as \"3\"), or * for a stream that exists.";

    /// <summary>
    /// A weak entity tag in If-Match: RFC 9110 compares If-Match's tags strongly, so a weak one matches no version and the
    /// precondition fails (412), as an out-of-date version does.
    /// </summary>
    private static CommandRequest WeakTag(string value, EntityTag tag) =>
        PreconditionFailed(tag,
            $"If-Match '{Shown(value)}' is a weak entity tag, and If-Match compares entity tags strongly (RFC 9110): a weak one matches " +
            $"no stream version. Send the strong tag, as the ETag of an accepted command gives it (\"{Shown(tag.Opaque)}\").");

    /// <summary>
    /// A strong entity tag in If-Match that is no stream version (<c>"abc"</c>): it matches no current representation, so
    /// the precondition fails (412, RFC 9110 13.1.1), as an out-of-date version does; it is an entity tag, not a malformed value.
    /// </summary>
    private static CommandRequest NoVersionTag(string value, EntityTag tag) =>
        PreconditionFailed(tag,
            $"If-Match '{Shown(value)}' matches no stream version: the ETag of an accepted command is its stream's version, a whole " +
            "number in double quotes (such as \"3\"); send that, or * for a stream that exists.");

    /// <summary>The 412 of an If-Match entity tag that matches nothing, naming If-Match (and the version, when the tag holds one).</summary>
    private static CommandRequest PreconditionFailed(EntityTag tag, string detail)
    {
        var problem = Problems.Of(StatusCodes.Status412PreconditionFailed, "version-mismatch", "The expected version is out of date.", detail);
        problem["field"] = "If-Match";
        if (long.TryParse(tag.Opaque, NumberStyles.None, CultureInfo.InvariantCulture, out var version)) problem["expectedVersion"] = version;
        return new CommandRequest(new CommandOptions(), null, null, null) { FailedPrecondition = problem };
    }

    private static CommandRequest Fail(string field, string reason) => Fail(new Validation.Error(field, reason));

    private static CommandRequest Fail(Validation.Error error) => new(new CommandOptions(), null, null, error);
}
