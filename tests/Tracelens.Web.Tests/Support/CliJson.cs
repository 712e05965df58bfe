using Tracelens.Cli;
using Tracelens.Cli.Rendering;

namespace Tracelens.Web.Tests.Support;

/// <summary>Runs the real CLI in-process (sealed environment, UTC) to compare its --json with the API.</summary>
public static class CliJson
{
    public static string Stdout(string home, params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = home, ["NO_COLOR"] = "1", ["TZ"] = "UTC" };
        var io = new CliIo
        {
            Out = stdout,
            Err = new StringWriter(),
            Env = name => env.TryGetValue(name, out var v) ? v : null,
        };
        var code = TracelensCli.Run(args, io);
        return code == 0 ? stdout.ToString() : throw new InvalidOperationException($"tracelens {string.Join(' ', args)} exited {code}");
    }
}
