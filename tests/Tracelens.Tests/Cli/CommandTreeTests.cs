using Tracelens.Cli;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>A command line naming a verb builds only that verb; it must be the same verb the whole tree holds.</summary>
public sealed class CommandTreeTests
{
    [Fact]
    public void Each_verb_alone_is_the_verb_of_the_whole_tree()
    {
        var io = new Tracelens.Cli.Rendering.CliIo { Out = TextWriter.Null, Err = TextWriter.Null, Env = _ => null };
        var all = TracelensCli.BuildRoot(io).Subcommands;
        Assert.True(all.Count >= 20, "every verb is in the whole tree");
        foreach (var verb in all)
        {
            var alone = Assert.Single(TracelensCli.BuildRoot(io, [verb.Name, "--help"]).Subcommands);
            Assert.Equal(verb.Name, alone.Name);
            Assert.Equal(verb.Options.Select(o => o.Name), alone.Options.Select(o => o.Name));
        }

        Assert.Equal(all.Count, TracelensCli.BuildRoot(io, ["--help"]).Subcommands.Count);
        Assert.Equal(all.Count, TracelensCli.BuildRoot(io, ["sumary"]).Subcommands.Count); // misspelled: suggestions need every verb
    }
}
