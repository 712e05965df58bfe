using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Tracelens.Cli.Commands;
using Tracelens.Cli.Rendering;

namespace Tracelens.Cli;

/// <summary>The command tree. Reads as a table of contents: one line per verb.</summary>
public static class TracelensCli
{
    /// <summary>Every verb, by name, with how to build it (one line each: the table of contents).</summary>
    private static readonly (string Name, Func<CliIo, Command> Build)[] Verbs =
    [
        ("collect", CollectCommand.Build),
        ("sanitize", SanitizeCommand.Build),
        ("synth", SynthCommand.Build),
        ("demo", DemoCommand.Build),
        ("ingest", LedgerCommands.BuildIngest),
        ("state", LedgerCommands.BuildState),
        ("import", LedgerCommands.BuildImport),
        ("export", LedgerCommands.BuildExport),
        ("prices", PricesCommand.Build),
        ("summary", SummaryCommand.Build),
        ("daily", io => PeriodReportCommand.Build(io, "daily")),
        ("weekly", io => PeriodReportCommand.Build(io, "weekly")),
        ("monthly", io => PeriodReportCommand.Build(io, "monthly")),
        ("session", io => PeriodReportCommand.Build(io, "session")),
        ("sessions", SessionsCommand.Build),
        ("compare", CompareCommand.Build),
        ("hotspots", HotspotsCommand.Build),
        ("serve", ServeCommand.Build),
        ("experiments", ExperimentsCommand.Build),
        ("figure", FigureCommand.Build),
    ];

    /// <summary>The whole command tree (help lists every verb).</summary>
    public static Command BuildRoot(CliIo io) => Root(io, Verbs);

    /// <summary>
    /// The tree a command line needs: only the named verb when the first argument names one
    /// (building all twenty, with their options, was a tenth of a report's startup), else all of
    /// them, for help, the version and suggestions on a misspelled verb.
    /// </summary>
    public static Command BuildRoot(CliIo io, string[] args) =>
        args.Length > 0 && Array.FindIndex(Verbs, v => v.Name == args[0]) is var i and >= 0 ? Root(io, [Verbs[i]]) : BuildRoot(io);

    private static Command Root(CliIo io, IEnumerable<(string Name, Func<CliIo, Command> Build)> verbs)
    {
        // A named root (not RootCommand, which takes the executable's file name) so help says `tracelens`.
        var root = new Command("tracelens", "Tracelens: where your coding agents' tokens, money, time and context go");
        foreach (var (name, build) in verbs)
        {
            var command = build(io);
            System.Diagnostics.Debug.Assert(command.Name == name, $"verb table says {name}, command says {command.Name}");
            root.Subcommands.Add(command);
        }

        root.Options.Add(new System.CommandLine.Help.HelpOption());
        root.Options.Add(new VersionOption { Action = new PrintVersion(io) });
        return root;
    }

    /// <summary>The CLI's own version (the default action reports the entry assembly, which differs in tests).</summary>
    public static string Version =>
        typeof(TracelensCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private sealed class PrintVersion(CliIo io) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            io.Out.WriteLine(Version);
            return ExitCodes.Ok;
        }
    }

    public static int Run(string[] args, CliIo io)
    {
        var root = BuildRoot(io, args);
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = io.Out, Error = io.Err });
    }
}
