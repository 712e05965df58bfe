using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;
using Tracelens.Cli.Commands;
using Tracelens.Cli.Rendering;

namespace Tracelens.Cli;

/// <summary>The command tree. Reads as a table of contents: one line per verb.</summary>
public static class TracelensCli
{
    public static Command BuildRoot(CliIo io)
    {
        // A named root (not RootCommand, which takes the executable's file name) so help says `tracelens`.
        var root = new Command("tracelens", "Tracelens: where your coding agents' tokens, money, time and context go")
        {
            CollectCommand.Build(io),
            SanitizeCommand.Build(io),
            SynthCommand.Build(io),
            DemoCommand.Build(io),
            LedgerCommands.BuildIngest(io),
            LedgerCommands.BuildState(io),
            LedgerCommands.BuildImport(io),
            LedgerCommands.BuildExport(io),
            PricesCommand.Build(io),
            SummaryCommand.Build(io),
            PeriodReportCommand.Build(io, "daily"),
            PeriodReportCommand.Build(io, "weekly"),
            PeriodReportCommand.Build(io, "monthly"),
            PeriodReportCommand.Build(io, "session"),
            SessionsCommand.Build(io),
            CompareCommand.Build(io),
            HotspotsCommand.Build(io),
            ServeCommand.Build(io),
            ExperimentsCommand.Build(io),
            FigureCommand.Build(io),
        };
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
        var root = BuildRoot(io);
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = io.Out, Error = io.Err });
    }
}
