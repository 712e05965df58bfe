using System.CommandLine;
using System.Globalization;
using Tracelens.Cli.Rendering;
using Tracelens.Experiments;
using Tracelens.Figures.Png;
using Tracelens.Ledger;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens experiments list|run</c>: the experiment catalog, and running experiments over a
/// TraceLab trace into one folder per experiment (CSV/Markdown/LaTeX/JSON plus manifest.json).
/// </summary>
public static class ExperimentsCommand
{
    private const int MaxReportedSkips = 20;
    private const string NoPngReason = "--no-png was given";

    public static Command Build(CliIo io)
    {
        var listJson = new Option<bool>("--json") { Description = "Print the catalog as JSON" };
        var list = new Command("list", "List every experiment: id, title and the question it answers") { listJson };
        list.SetAction(parse => List(io, parse.GetValue(listJson)));

        var ids = new Argument<string[]>("id") { Description = "Experiment ids to run (see `experiments list`)", Arity = ArgumentArity.ZeroOrMore };
        var all = new Option<bool>("--all") { Description = "Run every experiment" };
        var input = new Option<string?>("--input", "-i") { Description = "TraceLab trace to analyse (.jsonl or .jsonl.gz, normalized or sanitized); without it, the ledger" };
        var ledger = new Option<string?>("--ledger") { Description = "Without --input: the ledger to analyse (default: $TRACELENS_HOME/ledger.db or ~/.tracelens/ledger.db)" };
        var home = new Option<string?>("--home") { Description = "Without --input: home directory whose logs are ingested first (default: $HOME)" };
        var noIngest = new Option<bool>("--no-ingest") { Description = "Without --input: analyse the ledger as it is, without reading new or changed logs first" };
        var output = new Option<string>("--output", "-o") { Description = "Folder for the results, one sub-folder per experiment", DefaultValueFactory = _ => "tracelens-experiments" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var noPng = new Option<bool>("--no-png") { Description = "Write figures as SVG only (by default each also gets a PNG with the README, CSVs and manifest embedded)" };
        var run = new Command("run", "Run experiments over a trace (or the ledger), in parallel, each into <output>/<id>/") { ids, all, input, output, json, noPng, ledger, home, noIngest };
        run.SetAction(parse =>
        {
            var source = parse.GetValue(input) is { } trace
                ? new StepInput(trace, null)
                : new StepInput(null, new LedgerInput(parse.GetValue(ledger), parse.GetValue(home) ?? io.Home, parse.GetValue(noIngest)));
            return Run(io, parse.GetValue(ids) ?? [], parse.GetValue(all), source, parse.GetValue(output)!, parse.GetValue(json), parse.GetValue(noPng));
        });

        return new Command("experiments", "Reproduce TraceLab's experiments on a trace") { list, run };
    }

    private static int List(CliIo io, bool json)
    {
        if (json)
        {
            JsonOutput.Write(io.Out, j =>
            {
                j.WriteStartObject();
                j.WriteStartArray("experiments");
                foreach (var experiment in ExperimentCatalog.All)
                {
                    j.WriteStartObject();
                    j.WriteString("id", experiment.Id);
                    j.WriteString("title", experiment.Title);
                    j.WriteString("question", experiment.Question);
                    j.WriteEndObject();
                }

                j.WriteEndArray();
                j.WriteEndObject();
            });
            return ExitCodes.Ok;
        }

        var width = ExperimentCatalog.All.Max(e => e.Id.Length);
        foreach (var experiment in ExperimentCatalog.All)
        {
            io.Out.WriteLine($"{experiment.Id.PadRight(width)}  {experiment.Title}");
            io.Out.WriteLine($"{new string(' ', width)}  {experiment.Question}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>Where a run reads its steps: a trace file, or the ledger (ingested first unless told not to).</summary>
    private sealed record StepInput(string? TracePath, LedgerInput? Ledger);

    private sealed record LedgerInput(string? Path, string Home, bool NoIngest);

    private static int Run(CliIo io, string[] ids, bool all, StepInput source, string output, bool json, bool noPng)
    {
        var input = source.TracePath ?? LedgerPaths.Resolve(source.Ledger!.Path, io.Env, io.Home);
        if (all == (ids.Length > 0))
        {
            return Fail(io, json, "usage", all ? "give experiment ids or --all, not both" : "name the experiments to run, or --all (see `tracelens experiments list`)", ExitCodes.Usage);
        }

        var unknown = ids.Where(id => ExperimentCatalog.Find(id) is null).ToList();
        if (unknown.Count > 0)
        {
            return Fail(io, json, "unknown-experiment", $"unknown experiment {string.Join(", ", unknown)}; known: {string.Join(", ", ExperimentCatalog.All.Select(e => e.Id))}", ExitCodes.Usage);
        }

        if (source.TracePath is not null ? !File.Exists(input) : source.Ledger!.NoIngest && !File.Exists(input))
        {
            return Fail(io, json, "input-missing", source.TracePath is not null ? $"{input}: no such file" : $"no ledger at {input}; run `tracelens ingest` first, or leave out --no-ingest", ExitCodes.Failure);
        }

        var experiments = all ? ExperimentCatalog.All : [.. ids.Distinct(StringComparer.Ordinal).Select(id => ExperimentCatalog.Find(id)!)];
        LoadedSteps steps;
        try
        {
            if (source.TracePath is not null)
            {
                steps = new TraceFileStepSource(input).Load();
            }
            else
            {
                using var ledger = source.Ledger!.NoIngest ? LedgerDatabase.Open(input) : ReportOptions.Ingest(io, "experiments", input, source.Ledger.Home);
                steps = new LedgerStepSource(ledger).Load();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return Fail(io, json, "input-unreadable", $"{input}: {e.Message}", ExitCodes.Failure);
        }
        catch (LedgerException e)
        {
            return Fail(io, json, "ledger-error", e.Message, ExitCodes.LedgerError);
        }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            return Fail(io, json, "ledger-error", $"{input}: {e.Message}", ExitCodes.LedgerError);
        }

        foreach (var skipped in steps.Diagnostics.Examples.Take(MaxReportedSkips))
        {
            io.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tracelens experiments: skipped {skipped.File}:{skipped.Line}: {skipped.Reason}"));
        }

        if (steps.Diagnostics.TotalSkipped > MaxReportedSkips)
        {
            io.Err.WriteLine(string.Create(CultureInfo.InvariantCulture, $"tracelens experiments: … and {steps.Diagnostics.TotalSkipped - MaxReportedSkips:N0} more skipped lines"));
        }

        if (steps.Steps.Count == 0 && steps.Diagnostics.TotalSkipped > 0)
        {
            return Fail(io, json, "invalid-input", $"{input}: no usable TraceLab rows ({steps.Diagnostics.TotalSkipped:N0} lines skipped)", ExitCodes.Failure);
        }

        IReadOnlyList<ExperimentRun> runs;
        try
        {
            Directory.CreateDirectory(output);
            runs = ExperimentRunner.Run(experiments, steps, output, png: noPng ? SvgRasterizer.Unavailable(NoPngReason) : io.Rasterizer());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(io, json, "io-error", $"cannot write {output}: {e.Message}", ExitCodes.OutputError);
        }

        var failed = runs.Where(r => !r.Succeeded).ToList();
        if (json)
        {
            WriteJsonReport(io, input, output, steps, runs);
        }
        else
        {
            WriteHumanReport(io, input, output, steps, runs);
        }

        foreach (var run in failed)
        {
            io.Err.WriteLine($"tracelens experiments: {run.Experiment.Id}: {run.Error}");
        }

        return failed.Count > 0 ? ExitCodes.OutputError : ExitCodes.Ok;
    }

    private static void WriteHumanReport(CliIo io, string input, string output, LoadedSteps steps, IReadOnlyList<ExperimentRun> runs)
    {
        var inv = CultureInfo.InvariantCulture;
        io.Out.WriteLine(string.Create(inv, $"Read {steps.Steps.Count:N0} steps from {input} ({steps.Diagnostics.TotalSkipped:N0} lines skipped)."));
        var width = runs.Max(r => r.Experiment.Id.Length);
        foreach (var run in runs.Where(r => r.Succeeded))
        {
            var files = run.Result!.Outputs;
            var summary = string.Join(", ", files.Select(f => string.Create(inv, $"{f.FileName} ({f.Rows:N0})")));
            io.Out.WriteLine($"  {run.Experiment.Id.PadRight(width)}  {summary}");
        }

        io.Out.WriteLine(string.Create(inv, $"Wrote {runs.Count(r => r.Succeeded)} of {runs.Count} experiments under {output} (each with manifest.json)."));
        foreach (var reason in runs.Select(r => r.PngSkipped).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            var which = string.Join(", ", runs.Where(r => r.PngSkipped == reason).Select(r => r.Experiment.Id));
            io.Out.WriteLine($"PNG figures skipped ({which}): {reason}. The figures were written as SVG.");
        }
    }

    private static void WriteJsonReport(CliIo io, string input, string output, LoadedSteps steps, IReadOnlyList<ExperimentRun> runs) =>
        JsonOutput.Write(io.Out, j =>
        {
            j.WriteStartObject();
            j.WriteString("input", input);
            j.WriteNumber("steps", steps.Steps.Count);
            j.WriteNumber("skipped_lines", steps.Diagnostics.TotalSkipped);
            j.WriteString("output", output);
            j.WriteStartArray("experiments");
            foreach (var run in runs)
            {
                j.WriteStartObject();
                j.WriteString("id", run.Experiment.Id);
                j.WriteString("folder", run.OutputDirectory);
                if (run.Succeeded)
                {
                    j.WriteString("png_skipped", run.PngSkipped);
                    j.WriteStartArray("outputs");
                    foreach (var file in run.Result!.Outputs)
                    {
                        j.WriteStartObject();
                        j.WriteString("file", file.FileName);
                        j.WriteNumber("rows", file.Rows);
                        j.WriteEndObject();
                    }

                    j.WriteEndArray();
                }
                else
                {
                    j.WriteString("error", run.Error);
                }

                j.WriteEndObject();
            }

            j.WriteEndArray();
            j.WriteEndObject();
        });

    private static int Fail(CliIo io, bool json, string code, string message, int exit)
    {
        if (json)
        {
            JsonOutput.WriteError(io.Out, code, message);
        }
        else
        {
            io.Err.WriteLine($"tracelens experiments: {message}");
        }

        return exit;
    }
}
