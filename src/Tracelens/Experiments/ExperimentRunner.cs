using System.Diagnostics;
using System.Reflection;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tracelens.Experiments.Output;
using Tracelens.Figures.Png;

namespace Tracelens.Experiments;

/// <summary>One experiment's run: where it wrote, what it reported, or why it could not write.</summary>
public sealed record ExperimentRun(IExperiment Experiment, string OutputDirectory, ExperimentResult? Result, string? Error, TimeSpan Elapsed)
{
    public bool Succeeded => Error is null;

    /// <summary>Why this run's figures have no PNG (SVG only), when PNGs were asked for and it drew figures; null otherwise.</summary>
    public string? PngSkipped { get; init; }
}

/// <summary>
/// Runs experiments over one loaded input, in parallel, each into <c>&lt;output root&gt;/&lt;id&gt;/</c>
/// with a <c>manifest.json</c> (input, filters, parameters, counts, files and row counts, version).
/// Manifests hold no clock time, so the same input gives the same bytes. Figures are written as
/// SVG by the experiments; given a rasterizer, the runner adds each figure's PNG with the
/// experiment's README, CSVs and manifest embedded (TraceLab's sidecar, <see cref="PngSidecar"/>).
/// </summary>
public static class ExperimentRunner
{
    public const string ManifestFileName = "manifest.json";

    private static readonly JsonWriterOptions ManifestJson = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The SDK version written into manifests.</summary>
    public static string Version =>
        typeof(ExperimentRunner).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>
    /// Runs <paramref name="experiments"/> (at most <paramref name="maxParallel"/> at once; default:
    /// one per core) and returns their runs in the order given. An experiment whose folder cannot be
    /// written is reported with its error; the others still run. With <paramref name="png"/>,
    /// figures also get a PNG; when it is unavailable each run with figures says why in
    /// <see cref="ExperimentRun.PngSkipped"/> and keeps its SVGs.
    /// </summary>
    public static IReadOnlyList<ExperimentRun> Run(IReadOnlyList<IExperiment> experiments, LoadedSteps input, string outputRoot, int? maxParallel = null, SvgRasterizer? png = null)
    {
        ArgumentNullException.ThrowIfNull(experiments);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentException.ThrowIfNullOrEmpty(outputRoot);
        var runs = new ExperimentRun[experiments.Count];
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxParallel ?? Environment.ProcessorCount };
        Parallel.For(0, experiments.Count, options, i => runs[i] = RunOne(experiments[i], input, outputRoot, png));
        return runs;
    }

    private static ExperimentRun RunOne(IExperiment experiment, LoadedSteps input, string outputRoot, SvgRasterizer? png)
    {
        var clock = Stopwatch.StartNew();
        var directory = Path.Combine(outputRoot, experiment.Id.Replace('/', Path.DirectorySeparatorChar));
        try
        {
            var folder = new OutputFolder(directory);
            var result = experiment.Run(new ExperimentContext { Steps = input.Steps, Output = folder });
            string? pngSkipped = null;
            if (png is not null && folder.Figures.Count > 0)
            {
                (result, pngSkipped) = FigurePngs.Write(experiment, input, result, folder, png);
            }

            File.WriteAllBytes(Path.Combine(directory, ManifestFileName), Manifest(experiment, input, result));
            return new ExperimentRun(experiment, directory, result, null, clock.Elapsed) { PngSkipped = pngSkipped };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new ExperimentRun(experiment, directory, null, e.Message, clock.Elapsed);
        }
    }

    /// <summary>The manifest of one run, indented JSON with a final newline.</summary>
    public static byte[] Manifest(IExperiment experiment, LoadedSteps input, ExperimentResult result)
    {
        ArgumentNullException.ThrowIfNull(experiment);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(result);
        using var buffer = new MemoryStream();
        using (var j = new Utf8JsonWriter(buffer, ManifestJson))
        {
            j.WriteStartObject();
            j.WriteString("experiment", experiment.Id);
            j.WriteString("title", experiment.Title);
            j.WriteString("question", experiment.Question);
            j.WriteString("tracelens_version", Version);
            j.WriteStartObject("input");
            j.WriteString("source", input.Description);
            j.WriteNumber("steps", input.Steps.Count);
            j.WriteNumber("skipped_lines", input.Diagnostics.TotalSkipped);
            j.WriteEndObject();
            j.WriteStartArray("filters");
            foreach (var filter in result.Filters)
            {
                j.WriteStringValue(filter);
            }

            j.WriteEndArray();
            j.WriteStartObject("parameters");
            foreach (var (name, value) in result.Parameters)
            {
                j.WriteString(name, value);
            }

            j.WriteEndObject();
            j.WriteStartObject("counts");
            foreach (var (name, value) in result.Counts)
            {
                j.WriteNumber(name, value);
            }

            j.WriteEndObject();
            j.WriteStartArray("outputs");
            foreach (var output in result.Outputs)
            {
                j.WriteStartObject();
                j.WriteString("file", output.FileName);
                j.WriteNumber("rows", output.Rows);
                j.WriteEndObject();
            }

            j.WriteEndArray();
            j.WriteEndObject();
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
        return Encoding.UTF8.GetBytes(text);
    }
}
