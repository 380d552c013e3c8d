using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Hybrid.Sample.Host;

/// <summary>
/// The options of every subcommand, checked the same way: a bad value gives one message naming the option, what was
/// given and what is allowed (no .NET type names); the program prints it as one line and exits with 2.
/// </summary>
internal static class CliArguments
{
    /// <summary>The exit code of bad arguments.</summary>
    public const int BadArguments = 2;

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static Option<long> Number(string name, string description, long defaultValue, long min, long max) => new(name)
    {
        Description = $"{description} ({min} to {max}; default {defaultValue}).",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseNumber(result, name, min, max, defaultValue),
    };

    /// <summary>
    /// A required whole number from <paramref name="min"/> to <paramref name="max"/>, with no default: where a default
    /// would silently pick something to act on (a dead letter's position, a replay's start), leaving it out is a mistake.
    /// </summary>
    public static Option<long> RequiredNumber(string name, string description, long min, long max) => new(name)
    {
        Description = $"{description} ({min} to {max}; required).",
        Required = true,
        CustomParser = result => ParseNumber(result, name, min, max, min),
    };

    /// <summary>The option's whole number from min to max, or an error naming the option (and <paramref name="fallback"/>).</summary>
    private static long ParseNumber(ArgumentResult result, string name, long min, long max, long fallback)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        result.AddError($"{name}: '{text}' is not a whole number from {min} to {max}.");
        return fallback;
    }

    /// <summary>One of an enum's names (case-insensitive).</summary>
    public static Option<T> Choice<T>(string name, string description, T defaultValue) where T : struct, Enum => new(name)
    {
        Description = $"{description} One of: {string.Join(", ", Enum.GetNames<T>())}.",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (Enum.GetNames<T>().FirstOrDefault(n => n.Equals(text, StringComparison.OrdinalIgnoreCase)) is { } known)
                return Enum.Parse<T>(known);
            result.AddError($"{name}: '{text}' is not one of {string.Join(", ", Enum.GetNames<T>())}.");
            return defaultValue;
        },
    };

    /// <summary>Non-empty text, checked by <paramref name="check"/> (null when fine, else what is wrong).</summary>
    public static Option<string> Text(string name, string description, string? defaultValue, Func<string, string?>? check = null)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
                var problem = text.Trim().Length == 0 ? "is empty" : check?.Invoke(text);
                if (problem is null) return text;
                result.AddError($"{name}: '{text}' {problem}.");
                return text;
            },
        };
        if (defaultValue is not null) option.DefaultValueFactory = _ => defaultValue;
        return option;
    }

    /// <summary>What is wrong with a <c>--urls</c> value (absolute http or https URLs separated by ';'), or null.</summary>
    public static string? CheckUrls(string urls)
    {
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var normal = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(normal, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0)
                return $"is not a list of http:// or https:// URLs separated by ';' (such as http://127.0.0.1:5080)";
        }
        return null;
    }

    /// <summary>What is wrong with a <c>--postgres</c> value (a PostgreSQL connection string), or null.</summary>
    public static string? CheckConnectionString(string text)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(text);
            return null;
        }
        catch (ArgumentException e)
        {
            return $"is not a PostgreSQL connection string ({e.Message})";
        }
    }

    /// <summary>The one-line message of a failed parse: the subcommand and the first error.</summary>
    public static string Message(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var path = string.Join(' ', ["hybrid-sample", .. CommandPath(command)]);
        var commands = string.Join(", ", command.Subcommands.Select(c => c.Name));
        if (commands.Length > 0 && parse.UnmatchedTokens.Count > 0)
            return parse.UnmatchedTokens[0].StartsWith('-')
                ? $"{path}: '{parse.UnmatchedTokens[0]}' is not an option here: give a command first, one of {commands}."
                : $"{path}: '{parse.UnmatchedTokens[0]}' is not a command: use one of {commands}.";
        if (commands.Length > 0 && command.Action is null) return $"{path}: give a command: one of {commands}.";
        return $"{path}: {parse.Errors[0].Message}";
    }

    /// <summary>The names from the root's subcommand down to <paramref name="command"/> (empty for the root): "ops replay".</summary>
    private static IEnumerable<string> CommandPath(System.CommandLine.Command command)
    {
        var names = new Stack<string>();
        for (var c = command; c.Parents.OfType<System.CommandLine.Command>().FirstOrDefault() is { } parent; c = parent) names.Push(c.Name);
        return names;
    }
}
