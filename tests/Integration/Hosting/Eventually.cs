namespace Hybrid.Tests.Integration.Hosting;

/// <summary>Waits on real time for hosts that run on their own loops.</summary>
internal static class Eventually
{
    /// <summary>Polls the condition every 50 ms for up to a minute; fails naming what never happened.</summary>
    public static async Task Until(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 1200; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"Timed out waiting until {what}.");
    }
}
