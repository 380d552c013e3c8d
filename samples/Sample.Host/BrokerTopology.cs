using System.CommandLine;
using Hybrid.Shell.Nats;
using Microsoft.Extensions.Logging;

namespace Hybrid.Sample.Host;

/// <summary>
/// The sample deployed as three kinds of process joined by NATS JetStream (`front`, `handler`, `projector`): what they
/// share. The domain definitions are the sample's own, unchanged.
/// </summary>
internal static class BrokerTopology
{
    /// <summary>The producer the handlers run: every event the sample's read models fold, published whole.</summary>
    public static Producer EventsProducer =>
        ProducerModule.recorded("broker-events",
            [QueryItem.OfTypes(Definitions.readModels.SelectMany(m => m.EventTypes).Distinct().ToArray())]);

    public static Option<string> NatsOption() =>
        CliArguments.Text("--nats", "The NATS server with JetStream, e.g. nats://127.0.0.1:4222.", "nats://127.0.0.1:4222", CheckNatsUrl);

    /// <summary>What is wrong with a <c>--nats</c> value (by <see cref="NatsBrokerOptions.Validate"/>), or null.</summary>
    public static string? CheckNatsUrl(string url)
    {
        try
        {
            new NatsBrokerOptions { Url = url }.Validate();
            return null;
        }
        catch (InvalidInputException)
        {
            return "is not a NATS server URL (such as nats://127.0.0.1:4222)";
        }
    }

    public static Option<int> AckWaitOption() => new("--ack-wait-ms")
    {
        Description = "How long a handler may hold a command before the broker delivers it again.",
        DefaultValueFactory = _ => 30_000,
    };

    public static NatsBrokerOptions Broker(string url, int ackWaitMs = 30_000) =>
        new() { Url = url, CommandAckWait = TimeSpan.FromMilliseconds(ackWaitMs) };

    public static void ConsoleLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        SampleServer.ConsoleLogging(logging);
    }
}
