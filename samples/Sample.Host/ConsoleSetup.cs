using Spectre.Console;

namespace Hybrid.Sample.Host;

/// <summary>Keeps output readable when it is not a terminal (CI logs, pipes): plain text, a fixed width, no colours.</summary>
internal static class ConsoleSetup
{
    public static void Apply()
    {
        if (!Console.IsOutputRedirected) return;
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        AnsiConsole.Profile.Width = 180;
    }
}
