namespace Hybrid.Tests.Integration.Sample;

/// <summary>
/// `hybrid-sample` as a user types it: every bad argument of every subcommand gives one line naming the option and
/// exit code 2 (no stack trace, no .NET type names); simulate's replay line reproduces the run; piped runs of one
/// seed print the same bytes.
/// </summary>
public sealed class CommandLineTests
{
    private static async Task<(int Code, string[] Output, string[] Errors)> Run(params string[] args)
    {
        using var process = ServeProcess.Start(args);
        var code = await process.ExitCode();
        return (code, process.Output.ToArray(), process.Errors.ToArray());
    }

    [Theory]
    [InlineData("simulate --steps abc", "hybrid-sample simulate: --steps: 'abc' is not a whole number from 0 to 100000000.")]
    [InlineData("simulate --steps -1", "hybrid-sample simulate: --steps: '-1' is not a whole number from 0 to 100000000.")]
    [InlineData("simulate --tenants 0", "hybrid-sample simulate: --tenants: '0' is not a whole number from 1 to 1000.")]
    [InlineData("simulate --seed 1.5", "hybrid-sample simulate: --seed: '1.5' is not a whole number from -2147483648 to 2147483647.")]
    [InlineData("simulate --plant-bug Nope", "hybrid-sample simulate: --plant-bug: 'Nope' is not one of None, BypassAuthorization, IgnoreFencing, RetryWithNewIds, HideAnEvent, EffectBeforeCheckpoint, FireDeadlinesEarly, FireDeadlinesTwice.")]
    [InlineData("simulate --lmdb /tmp/x --memory-only", "hybrid-sample simulate: --lmdb and --memory-only exclude each other: give one.")]
    [InlineData("simulate --bogus", "hybrid-sample simulate: Unrecognized command or argument '--bogus'.")]
    [InlineData("demo extra", "hybrid-sample demo: Unrecognized command or argument 'extra'.")]
    [InlineData("nope", "hybrid-sample: 'nope' is not a command: use one of demo, simulate, serve, migrate, verify, backup, front, handler, projector, ops.")]
    [InlineData("", "hybrid-sample: give a command: one of demo, simulate, serve, migrate, verify, backup, front, handler, projector, ops.")]
    [InlineData("--bogus", "hybrid-sample: '--bogus' is not an option here: give a command first, one of demo, simulate, serve, migrate, verify, backup, front, handler, projector, ops.")]
    [InlineData("ops zap", "hybrid-sample ops: 'zap' is not a command: use one of dead-letters, show, retry, discard, pause, resume, replay, lag, rebuild, retention, verify, forget-subject.")]
    [InlineData("serve", "hybrid-sample serve: give --data DIR to keep the events in DIR (the embedded store), or --postgres CONNECTION for PostgreSQL.")]
    public async Task a_bad_argument_prints_one_line_naming_it_and_exits_with_2(string args, string message)
    {
        var (code, output, errors) = await Run(args.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, code);
        Assert.Equal(message, Assert.Single(errors));
        Assert.Empty(output);
    }

    [Fact]
    public async Task a_planted_bug_run_prints_a_replay_line_with_every_flag_and_the_replay_fails_the_same_way()
    {
        var (code, output, _) = await Run("simulate", "--seed", "3", "--steps", "2000", "--tenants", "2", "--plant-bug", "HideAnEvent", "--memory-only");
        var text = string.Join(" ", output);

        Assert.Equal(1, code);
        const string replay = "hybrid-sample simulate --seed 3 --steps 2000 --tenants 2 --plant-bug HideAnEvent --memory-only";
        Assert.Contains(replay, text);
        var again = await Run(replay.Split(' ').Skip(1).ToArray());
        Assert.Equal(1, again.Code);
        Assert.Equal(output, again.Output);
    }

    [Fact]
    public async Task two_piped_runs_of_one_seed_print_the_same_bytes_without_progress()
    {
        var first = await Run("simulate", "--seed", "5", "--steps", "1500", "--tenants", "2");
        var second = await Run("simulate", "--seed", "5", "--steps", "1500", "--tenants", "2");

        Assert.Equal(0, first.Code);
        Assert.Equal(first.Output, second.Output);
        Assert.DoesNotContain(first.Output, l => l.Contains('%') || l.Contains("wall time"));
        Assert.Contains(first.Output, l => l.Contains("PASSED"));
    }
}
