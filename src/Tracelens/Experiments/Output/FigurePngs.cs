using System.Text;
using Tracelens.Figures.Png;

namespace Tracelens.Experiments.Output;

/// <summary>
/// The PNG step of a run: each SVG figure rendered, then made self-contained as TraceLab makes
/// its PNGs (tracelab-spec §8): the experiment's README, its CSVs and its manifest ride inside as
/// compressed text chunks. The manifest lists the PNGs it is embedded in, so it is computed first.
/// </summary>
internal static class FigurePngs
{
    /// <summary>Writes every figure's PNG and returns the result with the PNGs listed, or the unchanged result and why no PNG was written.</summary>
    public static (ExperimentResult Result, string? Skipped) Write(IExperiment experiment, LoadedSteps input, ExperimentResult result, OutputFolder folder, SvgRasterizer rasterizer)
    {
        if (rasterizer.UnavailableReason is { } reason)
        {
            return (result, reason);
        }

        // Render all before writing any, so a failure leaves no half set of PNGs behind a manifest that does not list them.
        var rendered = new List<(FigureFile Figure, byte[] Png)>();
        foreach (var figure in folder.Figures)
        {
            try
            {
                rendered.Add((figure, rasterizer.RenderPng(figure.Svg, figure.Figure.PixelWidth, figure.Figure.PixelHeight)));
            }
            catch (InvalidOperationException e)
            {
                return (result, $"{figure.Stem}.png could not be rendered: {e.Message}");
            }
        }

        var withPngs = result with { Outputs = [.. result.Outputs, .. rendered.Select(r => new ExperimentOutput(r.Figure.Stem + ".png", r.Figure.Series))] };
        var manifest = Encoding.UTF8.GetString(ExperimentRunner.Manifest(experiment, input, withPngs));
        var entries = PngSidecar.Entries(Readme(experiment), DataFiles(folder, result), [new SidecarEntry("data/" + ExperimentRunner.ManifestFileName, manifest)]);
        foreach (var (figure, png) in rendered)
        {
            File.WriteAllBytes(Path.Combine(folder.Directory, figure.Stem + ".png"), PngSidecar.Embed(png, entries, figure.Figure.Dpi));
        }

        return (withPngs, null);
    }

    /// <summary>The experiment's README.md, embedded in the assembly beside its code (null if it has none).</summary>
    public static string? Readme(IExperiment experiment)
    {
        var type = experiment.GetType();
        using var stream = type.Assembly.GetManifestResourceStream($"{type.Namespace}.README.md");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The CSVs the run wrote, byte for byte (TraceLab embeds <c>*.csv</c>). A CSV too large for
    /// TraceLab's reader (over 1 MiB) is left out: embedding it would make the whole PNG unreadable there.
    /// </summary>
    private static IEnumerable<(string, string)> DataFiles(OutputFolder folder, ExperimentResult result)
    {
        foreach (var output in result.Outputs.Where(o => o.FileName.EndsWith(".csv", StringComparison.Ordinal)))
        {
            var path = Path.Combine(folder.Directory, output.FileName);
            if (new FileInfo(path).Length <= PngSidecar.MaxTraceLabEntryBytes)
            {
                yield return (output.FileName, File.ReadAllText(path, Encoding.UTF8));
            }
        }
    }
}
