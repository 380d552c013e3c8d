using System.Diagnostics;
using Hybrid.Shell.Postgres;
using Hybrid.Shell.Postgres.Processing;
using Hybrid.Tests.Integration.Postgres;
using Hybrid.Tests.Integration.Processors;
using Hybrid.Tests.TestDomain;

namespace Hybrid.Tests.Integration.Hosting;

using static Eventually;

/// <summary>A processor host in its own OS process, killed with SIGKILL in the middle of processing, then restarted.</summary>
public sealed class KilledNodeTests
{
    private const string Tenant = "acme";
    private const int Orders = 24;

    private static Process StartNode(string admin, string node, string effectLog, int delayMs)
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory); // tests/Integration/bin/<configuration>/<framework>
        var tests = output.Parent!.Parent!.Parent!.Parent!.FullName;
        var dll = Path.Combine(tests, "ProcessorNode", "bin", output.Parent.Name, output.Name, "hybrid-test-processor-node.dll");
        Assert.True(File.Exists(dll), $"The processor node was not built at {dll}.");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { dll, admin, node, effectLog, delayMs.ToString() }) start.ArgumentList.Add(arg);
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }


    private static async Task<string[]> Invoiced(IEventStore store) =>
        TestProcessors.OrdersOf(await store.Read(Tenant, EventQuery.OfTypes(Ordering.Types.InvoiceIssued), default));

    private static string[] Performed(string effectLog, string kind) =>
        File.Exists(effectLog)
            ? File.ReadAllLines(effectLog).Select(l => l.Split(' ')).Where(p => p[0] == kind).Select(p => p[2]).ToArray()
            : [];

    [Fact]
    public async Task a_node_killed_mid_processing_loses_nothing_and_duplicates_no_emit_or_at_most_once_effect()
    {
        var (admin, store) = await ProcessingDatabase.CreateAsync("hybrid_killed");
        await using var _ = store;
        var orders = Enumerable.Range(1, Orders).Select(i => $"o{i}").ToArray();
        foreach (var order in orders)
            await ProcessingDatabase.PlaceOrder(store, Tenant, order);
        var effectLog = Path.Combine(Path.GetTempPath(), $"hybrid-effects-{Guid.NewGuid():N}.log");

        try
        {
            using (var doomed = StartNode(admin, "doomed", effectLog, delayMs: 150))
            {
                await Until(async () => (await Invoiced(store)).Length >= 4, "the first node has invoiced a few orders");
                doomed.Kill(entireProcessTree: true); // SIGKILL: no shutdown, no lease release, no flush
                await doomed.WaitForExitAsync();
            }
            Assert.True((await Invoiced(store)).Length < Orders, "the node was killed before it finished");

            using var survivor = StartNode(admin, "survivor", effectLog, delayMs: 0);
            try
            {
                await Until(async () => (await Invoiced(store)).Length == Orders && Performed(effectLog, Ordering.Effects.Mail).Distinct().Count() == Orders,
                    "the restarted node has invoiced and mailed every order");
                await Task.Delay(1000); // anything written twice would land now
            }
            finally
            {
                survivor.Kill(entireProcessTree: true);
                await survivor.WaitForExitAsync();
            }

            Assert.Equal(orders.Order(), (await Invoiced(store)).Order()); // every emit exactly once
            Assert.Equal(orders.Order(), Performed(effectLog, Ordering.Effects.Mail).Distinct().Order()); // at least once
            var charged = Performed(effectLog, Ordering.Effects.Charge);
            Assert.Equal(charged.Distinct().Count(), charged.Length); // at most once
        }
        finally
        {
            File.Delete(effectLog);
        }
    }
}
