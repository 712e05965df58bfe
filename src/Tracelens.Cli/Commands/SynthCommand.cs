using System.CommandLine;
using System.Globalization;
using Tracelens.Cli.Rendering;
using Tracelens.Model;
using Tracelens.Synth;

namespace Tracelens.Cli.Commands;

/// <summary><c>tracelens synth</c>: writes a deterministic, realistic Claude Code + Codex history with its ground truth.</summary>
public static class SynthCommand
{
    public static Command Build(CliIo io)
    {
        var output = new Option<string>("--out") { Description = "Folder to write (it plays the role of a home directory); must be empty or absent", Required = true };
        var seed = new Option<ulong>("--seed") { Description = "Generator seed: the same seed and size give identical files", DefaultValueFactory = _ => 1 };
        var size = new Option<double?>("--size-mb") { Description = "Stop after about this many megabytes (10^6 bytes); default 64" };
        var records = new Option<long?>("--records") { Description = "Stop after this many assistant records" };
        var providers = new Option<string[]>("--provider") { Description = "Only this provider (repeatable)", AllowMultipleArgumentsPerToken = true };
        providers.AcceptOnlyFromAmong("claude", "codex");
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace an earlier generated history in --out" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON" };
        var command = new Command("synth", "Generate a realistic, deterministic agent history with a ground-truth totals file")
        {
            output, seed, size, records, providers, overwrite, json,
        };
        command.SetAction(parse =>
        {
            var chosen = parse.GetValue(providers) is { Length: > 0 } p
                ? p.Select(x => Providers.TryParse(x, out var v) ? v : Provider.Claude).Distinct().ToList()
                : [Provider.Claude, Provider.Codex];
            var options = new SynthOptions
            {
                OutputDirectory = Path.GetFullPath(parse.GetValue(output)!),
                Seed = parse.GetValue(seed),
                TargetBytes = parse.GetValue(size) is { } mb ? (long)(mb * 1_000_000) : (parse.GetValue(records) is null ? SynthOptions.DefaultTargetBytes : null),
                TargetAssistantRecords = parse.GetValue(records),
                Providers = chosen,
                Overwrite = parse.GetValue(overwrite),
            };
            return Run(io, options, parse.GetValue(json));
        });
        return command;
    }

    public static int Run(CliIo io, SynthOptions options, bool json)
    {
        SynthSummary summary;
        try
        {
            summary = SyntheticHistory.Generate(options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            if (json)
            {
                JsonOutput.WriteError(io.Out, "synth-failed", e.Message);
            }
            else
            {
                io.Err.WriteLine($"tracelens synth: {e.Message}");
            }

            return e is ArgumentException ? ExitCodes.Usage : ExitCodes.OutputError;
        }

        if (json)
        {
            JsonOutput.Write(io.Out, j =>
            {
                j.WriteStartObject();
                j.WriteString("output", summary.OutputDirectory);
                j.WriteString("ground_truth", summary.GroundTruthPath);
                j.WriteNumber("seed", options.Seed);
                j.WriteNumber("sessions", summary.Sessions);
                j.WriteNumber("files", summary.Files);
                j.WriteNumber("bytes", summary.Bytes);
                j.WriteNumber("assistant_records", summary.AssistantRecords);
                j.WriteEndObject();
            });
        }
        else
        {
            io.Out.WriteLine(Describe(summary, options.Seed));
        }

        return ExitCodes.Ok;
    }

    public static string Describe(SynthSummary s, ulong seed) => string.Create(CultureInfo.InvariantCulture,
        $"Generated {s.Bytes / 1e6:F1} MB: {s.Sessions:N0} sessions in {s.Files:N0} files, {s.AssistantRecords:N0} assistant records (seed {seed}).\nGround truth: {s.GroundTruthPath}");
}
