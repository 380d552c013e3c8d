using Hybrid.Shell.Hosting;
using Hybrid.Tests.TestDomain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hybrid.Tests.Integration.Hosted;

/// <summary>
/// A user's registration mistakes stop the application before it serves anything, with an ArgumentException naming
/// the definition and what is wrong with it; and a second host on an embedded directory in use is refused naming it.
/// </summary>
public sealed class HostedRegistrationTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("hybrid-hosted-registration-");

    public void Dispose() => _temp.Delete(recursive: true);

    private static async Task StartAndStop(Func<global::Hybrid.Registry> registry)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddHybrid(registry(), h => h.UseInMemory());
        using var host = builder.Build();
        await host.StartAsync();
        await host.StopAsync();
    }

    private static PeriodicTask Task(string name, Schedule schedule) => PeriodicTask.Create(name, schedule, _ => []);

    public static TheoryData<string, string> Mistakes => new()
    {
        { "bad cron", "Task 'bad': '61 * * * *': the minute field '61' is not valid." },
        { "zero interval", "Task 'zero': the interval 00:00:00 must be a whole number of seconds, at least 1." },
        { "bad task name", "The periodic task name holds white space (U+0020) at offset 3." },
        { "processor twice", "A processor named 'receipts' is already registered." },
        { "command twice", "A command named 'AddBook' is already registered." },
        { "processor without topics", "Processor 'empty' has no topics." },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task a_registration_mistake_is_an_argument_exception_naming_the_definition_and_the_fault(string mistake, string message)
    {
        Func<global::Hybrid.Registry> registry = mistake switch
        {
            "bad cron" => () => Runtime.addPeriodicTask(Task("bad", Schedule.NewCron("61 * * * *", TimeZoneInfo.Utc)), Library.registry),
            "zero interval" => () => Runtime.addPeriodicTask(Task("zero", Schedule.NewEvery(TimeSpan.Zero)), Library.registry),
            "bad task name" => () => Runtime.addPeriodicTask(Task("bad name!", Schedule.NewEvery(TimeSpan.FromHours(1))), Library.registry),
            "processor twice" => () => Runtime.addProcessor(Library.receipts, Library.registry),
            "command twice" => () => global::Hybrid.WriteSide.addCommand(Library.addBook, Library.registry),
            _ => () => Runtime.addProcessor(TodoProcessor.Create("empty", [], (_, _) => ProcessorResult.NoOp), Library.registry),
        };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => StartAndStop(registry));

        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_second_host_on_an_embedded_directory_in_use_is_refused_naming_the_directory()
    {
        await using var first = await LibraryServer.StartAsync(_temp.FullName);

        var error = await Assert.ThrowsAsync<IOException>(() => LibraryServer.StartAsync(_temp.FullName));

        Assert.Contains($"'{_temp.FullName}' is in use", error.Message, StringComparison.Ordinal);
    }
}
