using System.CommandLine;
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
        };
        root.Options.Add(new System.CommandLine.Help.HelpOption());
        root.Options.Add(new VersionOption());
        return root;
    }

    public static int Run(string[] args, CliIo io)
    {
        var root = BuildRoot(io);
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = io.Out, Error = io.Err });
    }
}
