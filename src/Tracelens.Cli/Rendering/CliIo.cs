using Tracelens.Figures.Png;

namespace Tracelens.Cli.Rendering;

/// <summary>
/// The process's streams and environment, injectable so golden tests run commands in-process with
/// a sealed HOME. Human tables go to <see cref="Out"/>; progress and diagnostics to <see cref="Err"/>.
/// </summary>
public sealed class CliIo
{
    public required TextWriter Out { get; init; }
    public required TextWriter Err { get; init; }

    /// <summary>Opens the raw standard output for bulk data (rows); tests substitute a buffer.</summary>
    public Func<Stream> OpenStdout { get; init; } = Console.OpenStandardOutput;

    /// <summary>Reads an environment variable (tests pass a sealed dictionary).</summary>
    public required Func<string, string?> Env { get; init; }

    /// <summary>Whether stderr is an interactive terminal (progress is drawn only then).</summary>
    public bool ErrIsTerminal { get; init; }

    /// <summary>Whether stdout is an interactive terminal (colour only then, and never with NO_COLOR).</summary>
    public bool OutIsTerminal { get; init; }

    /// <summary>Cancelled on Ctrl+C or SIGTERM: long-running commands (<c>ingest --watch</c>) end cleanly on it.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The clock relative times (<c>--since 7d</c>) count back from; tests pass a fixed one.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>What turns SVG figures into PNGs: the system's librsvg by default; tests substitute an unavailable one.</summary>
    public Func<SvgRasterizer> Rasterizer { get; init; } = () => SvgRasterizer.System;

    /// <summary>Where logs are found under <paramref name="home"/>, with the locations this environment overrides.</summary>
    public Tracelens.Collect.DiscoveryOptions Discovery(string home) => new()
    {
        Home = home,
        ClaudeConfigDirs = Env("CLAUDE_CONFIG_DIR"),
        CodexHome = Env("CODEX_HOME"),
        XdgDataHome = Env("XDG_DATA_HOME"),
    };

    public string Home => Env("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public static CliIo FromConsole()
    {
        var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // end the command cleanly instead of killing the process mid-write
            stop.Cancel();
        };
        // A service manager's SIGTERM ends a watch cleanly too.
        var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        // The registration must outlive this method (a collected one unregisters itself).
        stop.Token.Register(() => GC.KeepAlive(terminate));
        return new()
        {
            Out = Console.Out,
            Err = Console.Error,
            Env = Environment.GetEnvironmentVariable,
            ErrIsTerminal = !Console.IsErrorRedirected,
            OutIsTerminal = !Console.IsOutputRedirected,
            Cancellation = stop.Token,
        };
    }

    /// <summary>
    /// How wide human tables may be: the terminal's width, or a fixed 160 columns when redirected,
    /// so that redirected output is the same on every machine.
    /// </summary>
    public int OutWidth
    {
        get
        {
            if (!OutIsTerminal)
            {
                return 160;
            }

            try
            {
                return Console.WindowWidth is > 20 and var width ? width : 160;
            }
            catch (IOException)
            {
                return 160;
            }
        }
    }
}
