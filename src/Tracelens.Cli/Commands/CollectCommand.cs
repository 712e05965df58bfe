using System.CommandLine;
using System.Globalization;
using System.Text;
using Tracelens.Analysis;
using Tracelens.Cli.Rendering;
using Tracelens.Collect;
using Tracelens.Export;
using Tracelens.Model;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens collect</c>: finds Claude Code and Codex logs, normalizes every model call into an
/// agent step and writes TraceLab's normalized rows (or just counts them).
/// </summary>
public static class CollectCommand
{
    public static Command Build(CliIo io)
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write the normalized rows here (.jsonl or .jsonl.gz; '-' for stdout)" };
        var provider = new Option<string[]>("--provider") { Description = "Only this provider (repeatable)", AllowMultipleArgumentsPerToken = true };
        provider.AcceptOnlyFromAmong("claude", "codex", "opencode");
        var project = new Option<string?>("--project") { Description = "Only Claude project folders whose name contains this text" };
        var home = new Option<string?>("--home") { Description = "Home directory to scan (default: $HOME)" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON" };
        var command = new Command("collect", "Normalize every LLM call in your Claude Code, Codex and OpenCode logs into agent-step rows")
        {
            output, provider, project, home, json,
        };
        command.SetAction(parse =>
        {
            var providers = parse.GetValue(provider) is { Length: > 0 } p
                ? p.Select(x => Providers.TryParse(x, out var v) ? v : Provider.Claude).ToHashSet()
                : null;
            return Run(io, new CollectArgs(
                parse.GetValue(output),
                providers,
                parse.GetValue(project),
                parse.GetValue(home) ?? io.Home,
                parse.GetValue(json)));
        });
        return command;
    }

    public sealed record CollectArgs(string? Output, IReadOnlySet<Provider>? Providers, string? Project, string Home, bool Json);

    public static int Run(CliIo io, CollectArgs args, Action<AgentStep>? observe = null)
    {
        var problems = new List<string>();
        var logs = LogDiscovery.Discover(io.Discovery(args.Home) with { Providers = args.Providers, ProjectFilter = args.Project }, problems);

        if (logs.Count == 0)
        {
            if (args.Json)
            {
                JsonOutput.Write(io.Out, j =>
                {
                    j.WriteStartObject();
                    j.WriteNumber("files", 0);
                    j.WriteNumber("steps", 0);
                    j.WriteString("message", "no Claude Code, Codex or OpenCode session logs found");
                    j.WriteEndObject();
                });
            }
            else
            {
                io.Out.WriteLine($"No Claude Code, Codex or OpenCode session logs found under {args.Home}.");
                io.Out.WriteLine("Looked in ~/.claude/projects, ~/.config/claude/projects, $CLAUDE_CONFIG_DIR, ~/.codex/sessions, ~/.codex/archived_sessions, $CODEX_HOME and OpenCode's storage.");
                io.Out.WriteLine("Try `tracelens demo` to see Tracelens on a generated history.");
            }

            return ExitCodes.Ok;
        }

        var toStdout = args.Output == "-";
        string? tempPath = null;
        Stream? stream = null;
        BufferedStream? writer = null;
        try
        {
            if (toStdout)
            {
                stream = io.OpenStdout();
            }
            else if (args.Output is not null && IsDevice(args.Output))
            {
                // /dev/null and friends: nothing to make atomic.
                stream = new FileStream(args.Output, FileMode.Open, FileAccess.Write);
            }
            else if (args.Output is not null)
            {
                // Write beside the target and rename at the end: a failed run never leaves half a file.
                var full = Path.GetFullPath(args.Output);
                if (!Directory.Exists(Path.GetDirectoryName(full)))
                {
                    return OutputFailure(io, args.Json, $"{args.Output}: the folder {Path.GetDirectoryName(full)} does not exist");
                }

                tempPath = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
                stream = TraceLabRowWriter.OpenOutput(tempPath, gzip: full.EndsWith(".gz", StringComparison.OrdinalIgnoreCase));
            }

            writer = stream is null ? null : new BufferedStream(stream, 1 << 16);
            using var progress = new ProgressLine(io, "collect");
            var collector = new Collector { Progress = (done, bytes) => progress.Report(done, logs.Count, bytes) };
            var totals = new UsageTotals();
            // Rows are serialized on the worker threads; the ordered consumer only dedupes and writes.
            var report = collector.Run(
                logs,
                args.Home,
                step => writer is null ? null : TraceLabRowWriter.SerializeUtf8(step),
                (step, row) =>
                {
                    totals.Add(step);
                    observe?.Invoke(step);
                    if (writer is not null)
                    {
                        writer.Write(row);
                        writer.WriteByte((byte)'\n');
                    }
                });
            report.Problems.AddRange(problems);
            writer?.Flush();
            writer?.Dispose();
            writer = null;
            if (tempPath is not null)
            {
                File.Move(tempPath, Path.GetFullPath(args.Output!), overwrite: true);
                tempPath = null;
            }

            var summaryOut = toStdout ? io.Err : io.Out;
            if (args.Json)
            {
                WriteJson(summaryOut, report, totals, toStdout ? "-" : args.Output);
            }
            else
            {
                WriteHuman(summaryOut, report, toStdout ? "standard output" : args.Output);
                if (!toStdout)
                {
                    UsageTable.Render(io, totals);
                }
            }

            return ExitCodes.Ok;
        }
        catch (IOException e)
        {
            return OutputFailure(io, args.Json, e.Message);
        }
        catch (UnauthorizedAccessException e)
        {
            return OutputFailure(io, args.Json, e.Message);
        }
        finally
        {
            writer?.Dispose();
            if (tempPath is not null && File.Exists(tempPath))
            {
                File.Delete(tempPath);
            }
        }
    }

    private static bool IsDevice(string path) =>
        File.Exists(path) && Path.GetFullPath(path).StartsWith("/dev/", StringComparison.Ordinal);

    private static int OutputFailure(CliIo io, bool json, string message)
    {
        if (json)
        {
            JsonOutput.WriteError(io.Out, "output-error", message);
        }
        else
        {
            io.Err.WriteLine($"tracelens collect: cannot write the rows: {message}");
        }

        return ExitCodes.OutputError;
    }

    private static void WriteHuman(TextWriter w, CollectReport r, string? output)
    {
        var inv = CultureInfo.InvariantCulture;
        w.WriteLine(string.Create(inv, $"Collected {Plural(r.Steps, "agent step")} in {Plural(r.Sessions, "session")} from {Plural(r.Files, "file")} ({r.Bytes / 1e6:F1} MB)."));
        foreach (var (provider, steps) in r.StepsByProvider.OrderBy(kv => kv.Key))
        {
            w.WriteLine(string.Create(inv, $"  {provider.WireName(),-8} {steps,12:N0} steps"));
        }

        w.WriteLine(string.Create(inv, $"Tool calls: {r.ToolCalls:N0} ({r.ToolResults:N0} with a result)"));
        if (r.DuplicateSteps > 0)
        {
            w.WriteLine(string.Create(inv, $"Duplicate steps dropped (same trace_key): {r.DuplicateSteps:N0}"));
        }

        if (r.SyntheticRecords > 0)
        {
            w.WriteLine(string.Create(inv, $"Synthetic API-error records ignored: {r.SyntheticRecords:N0}"));
        }

        if (r.Diagnostics.TotalSkipped == 0)
        {
            w.WriteLine("Skipped lines: none");
        }
        else
        {
            w.WriteLine(string.Create(inv, $"Skipped lines: {r.Diagnostics.TotalSkipped:N0}"));
            foreach (var (reason, count) in r.Diagnostics.CountsByReason.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                w.WriteLine(string.Create(inv, $"  {reason}: {count:N0}"));
            }

            foreach (var example in r.Diagnostics.Examples.Take(10))
            {
                w.WriteLine(string.Create(inv, $"  {example.File}:{example.Line}: {example.Reason}"));
            }
        }

        foreach (var problem in r.Problems)
        {
            w.WriteLine($"Unreadable: {problem}");
        }

        w.WriteLine(output is null ? "No rows written (use -o FILE to write them)." : $"Rows written to {output}.");
    }

    private static string Plural(long n, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{n:N0} {noun}{(n == 1 ? string.Empty : "s")}");

    private static void WriteJson(TextWriter w, CollectReport r, UsageTotals totals, string? output) => JsonOutput.Write(w, j =>
    {
        j.WriteStartObject();
        j.WriteNumber("files", r.Files);
        j.WriteNumber("bytes", r.Bytes);
        j.WriteNumber("sessions", r.Sessions);
        j.WriteNumber("steps", r.Steps);
        j.WriteStartObject("steps_by_provider");
        foreach (var (provider, steps) in r.StepsByProvider.OrderBy(kv => kv.Key))
        {
            j.WriteNumber(provider.WireName(), steps);
        }

        j.WriteEndObject();
        j.WriteNumber("tool_calls", r.ToolCalls);
        j.WriteNumber("tool_results", r.ToolResults);
        j.WriteNumber("duplicate_steps", r.DuplicateSteps);
        j.WriteNumber("synthetic_records", r.SyntheticRecords);
        j.WriteStartObject("skipped_lines");
        foreach (var (reason, count) in r.Diagnostics.CountsByReason.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            j.WriteNumber(reason, count);
        }

        j.WriteEndObject();
        j.WriteStartArray("skipped_examples");
        foreach (var e in r.Diagnostics.Examples)
        {
            j.WriteStartObject();
            j.WriteString("file", e.File);
            j.WriteNumber("line", e.Line);
            j.WriteString("reason", e.Reason);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        UsageTable.WriteJson(j, totals);
        if (output is null)
        {
            j.WriteNull("output");
        }
        else
        {
            j.WriteString("output", output);
        }

        j.WriteEndObject();
    });
}
