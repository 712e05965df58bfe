using System.Text;
using Tracelens.Cli;
using Tracelens.Cli.Rendering;
using Tracelens.Figures.Png;

namespace Tracelens.Tests.Cli;

/// <summary>Runs the CLI in-process with a sealed environment and captures everything a user sees.</summary>
public sealed class CliRunner
{
    public required string Home { get; init; }
    public Dictionary<string, string> Env { get; } = new(StringComparer.Ordinal);

    /// <summary>Stands in for Ctrl+C: long-running commands end when it is cancelled.</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>What the command renders PNGs with (default: the system's librsvg, as the real CLI).</summary>
    public Func<SvgRasterizer>? Rasterizer { get; init; }

    /// <summary>Receives stdout as it is written (a watch's progress), besides the final result.</summary>
    public TextWriter? LiveOut { get; init; }

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        /// <summary>The golden form: exit code, stdout and stderr with machine paths replaced.</summary>
        public string Render(params (string Path, string Token)[] replacements)
        {
            string Clean(string s)
            {
                foreach (var (path, token) in replacements)
                {
                    s = s.Replace(path, token, StringComparison.Ordinal);
                }

                return s;
            }

            return $"exit: {ExitCode}\n--- stdout\n{Clean(Stdout)}--- stderr\n{Clean(Stderr)}";
        }
    }

    public Result Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        var raw = new MemoryStream();
        var env = new Dictionary<string, string>(Env, StringComparer.Ordinal) { ["HOME"] = Home, ["NO_COLOR"] = "1" };
        var io = new CliIo
        {
            Out = stdout,
            Err = stderr,
            Env = name => env.TryGetValue(name, out var v) ? v : null,
            OpenStdout = () => new NonClosingStream(raw),
            Cancellation = Cancellation,
            Rasterizer = Rasterizer ?? (() => SvgRasterizer.System),
        };
        var code = TracelensCli.Run(args, io);
        var bulk = Encoding.UTF8.GetString(raw.ToArray());
        return new Result(code, bulk + stdout.ToString(), stderr.ToString());
    }

    /// <summary>Keeps the captured buffer readable after the command disposes its writer.</summary>
    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
