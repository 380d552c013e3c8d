using Hybrid.InMemory.Simulation;
using Hybrid.InMemory.Time;
using Hybrid.Sample;

namespace Hybrid.Tests.Integration.Simulation;

/// <summary>The simulation runs the framework's own processor host and scheduler, stepped on the virtual clock.</summary>
public sealed class SimulatedEngineTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void a_back_off_timer_moves_the_virtual_clock_instead_of_waiting_in_real_time()
    {
        var clock = new VirtualClock(Start);
        var engineClock = new SteppedClock(clock);

        engineClock.Await(Task.Delay(TimeSpan.FromMinutes(5), engineClock));

        Assert.Equal(Start.AddMinutes(5), clock.GetUtcNow());
    }

    [Fact]
    public async Task a_handler_that_always_throws_is_retried_then_dead_lettered_by_the_engine_and_every_invariant_holds()
    {
        var simulator = new Simulator(Application.simulated, new SimulationOptions
        {
            Seed = 3, Steps = 3_000, Tenants = 2, Faults = FaultRates.None with { HandlerException = 1.0 },
        });

        var report = simulator.Run();

        Assert.True(report.Passed, report.Violation?.ToString());
        var letters = await simulator.Context.DeadLetters.List(null!, null!, CancellationToken.None);
        Assert.NotEmpty(letters);
        Assert.Equal(letters.Length, report.Stats.DeadLetters);
        Assert.All(letters, l => Assert.True(l.Attempts > 1, $"Dead letter at {l.Position} of {l.Tenant} had {l.Attempts} attempt(s)."));
    }

    [Fact]
    public void both_nodes_take_a_share_of_the_leases_and_a_node_paused_past_its_lease_is_fenced_off()
    {
        var activities = new List<SimulationActivity>();
        var simulator = new Simulator(Application.simulated, new SimulationOptions
        {
            Seed = 4, Steps = 20_000, Tenants = 4, Faults = FaultRates.None with { NodePause = 0.003 },
        });
        simulator.Context.Observer = activities.Add;

        var report = simulator.Run();

        Assert.True(report.Passed, report.Violation?.ToString());
        var processedBy = activities.Where(a => a.Kind == ActivityKind.Processed && a.Outcome != "handler threw (injected)")
            .Select(a => a.Who.Split('/')[0]).ToHashSet();
        Assert.Equal(["node-a", "node-b"], processedBy.Order());
        Assert.True(report.Stats.FencedWrites > 0, "No paused node came back to find its lease taken over.");
    }

    [Fact]
    public void with_an_lmdb_cache_lost_l1_reads_come_from_lmdb_and_every_read_model_still_equals_the_fold()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"hybrid-sim-l2-{Guid.NewGuid():N}");
        try
        {
            using var simulator = new Simulator(Application.simulated, new SimulationOptions
            {
                Seed = 6, Steps = 6_000, Tenants = 2, ReadModelCacheDirectory = directory,
                Faults = FaultRates.Default with { ReadModelCacheLoss = 0.02 },
            });

            var report = simulator.Run();

            Assert.True(report.Passed, report.Violation?.ToString());
            Assert.True(report.ReadModelCache.WriteBacks > 0, "Nothing was written back to LMDB.");
            Assert.True(report.ReadModelCache.L2Hits > 0, "No read was served from LMDB after L1 was lost.");
            Assert.True(File.Exists(Path.Combine(directory, "data.mdb")));
        }
        finally
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void two_runs_with_retry_back_offs_crashes_and_an_lmdb_cache_are_identical_to_the_tick()
    {
        SimulationReport RunIn(string directory)
        {
            try
            {
                using var simulator = new Simulator(Application.simulated, new SimulationOptions
                {
                    Seed = 8, Steps = 4_000, Tenants = 2, ReadModelCacheDirectory = directory,
                    Faults = FaultRates.Default with { HandlerException = 0.4, ProcessorCrash = 0.1, ReadModelCacheLoss = 0.01 },
                });
                return simulator.Run();
            }
            finally
            {
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            }
        }

        var first = RunIn(Path.Combine(Path.GetTempPath(), $"hybrid-sim-a-{Guid.NewGuid():N}"));
        var second = RunIn(Path.Combine(Path.GetTempPath(), $"hybrid-sim-b-{Guid.NewGuid():N}"));

        Assert.True(first.Passed, first.Violation?.ToString());
        Assert.Equal(first.LogDigest, second.LogDigest);
        Assert.Equal(first.VirtualTime, second.VirtualTime);
        Assert.Equal(first.Faults, second.Faults);
        Assert.Equal(first.Stats.EventsProcessed, second.Stats.EventsProcessed);
        Assert.Equal(first.ReadModelCache, second.ReadModelCache);
    }
}
