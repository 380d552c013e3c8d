using System.Globalization;
using NATS.Client.Core;

namespace Hybrid.Shell.Nats;

/// <summary>
/// A command as a broker message: the subject names tenant and command (<see cref="BrokerSubjects.command"/>), the
/// headers the caller (actor, roles, correlation), the command id, where to reply and until when; the body is the
/// command's JSON. <see cref="Parse"/> names what is wrong with a message that is not a command.
/// </summary>
public sealed record CommandMessage(Caller Caller, string Command, Guid CommandId, string? ReplyTo, DateTimeOffset? Deadline)
{
    /// <summary>The headers of a command sent by <paramref name="caller"/>.</summary>
    public static NatsHeaders Headers(Caller caller, Guid commandId, string replyTo, DateTimeOffset deadline) => new()
    {
        [NatsHeaderNames.CommandId] = commandId.ToString(),
        [NatsHeaderNames.Actor] = caller.Actor ?? "",
        [NatsHeaderNames.Roles] = string.Join(',', caller.Roles ?? []),
        [NatsHeaderNames.CorrelationId] = caller.CorrelationId ?? "",
        [NatsHeaderNames.ReplyTo] = replyTo,
        [NatsHeaderNames.Deadline] = deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The command a message carries, or the error naming the subject or header that is wrong.</summary>
    public static (CommandMessage? Message, Validation.Error? Error) Parse(string prefix, string subject, NatsHeaders? headers)
    {
        var target = BrokerSubjects.parseCommand(prefix, subject);
        if (target.IsError) return (null, target.ErrorValue);
        var (tenant, command) = target.ResultValue;
        string Get(string name) => headers is not null && headers.TryGetLastValue(name, out var value) ? value ?? "" : "";
        if (!Guid.TryParse(Get(NatsHeaderNames.CommandId), out var commandId))
            return (null, new Validation.Error(NatsHeaderNames.CommandId, $"Tenant '{tenant}': command '{command}' has no command id (a GUID in the {NatsHeaderNames.CommandId} header)."));
        DateTimeOffset? deadline = null;
        var deadlineText = Get(NatsHeaderNames.Deadline);
        if (deadlineText.Length > 0)
        {
            if (!long.TryParse(deadlineText, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                return (null, new Validation.Error(NatsHeaderNames.Deadline, $"'{deadlineText}' is not a time in Unix milliseconds."));
            deadline = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        var roles = Get(NatsHeaderNames.Roles).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var caller = new Caller(tenant, Get(NatsHeaderNames.Actor), roles, Get(NatsHeaderNames.CorrelationId));
        var replyTo = Get(NatsHeaderNames.ReplyTo);
        return (new CommandMessage(caller, command, commandId, replyTo.Length > 0 ? replyTo : null, deadline), null);
    }
}
