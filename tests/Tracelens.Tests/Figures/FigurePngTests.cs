using System.Buffers.Binary;
using System.Text;
using Tracelens.Experiments;
using Tracelens.Experiments.Output;
using Tracelens.Figures.Png;
using Tracelens.Readers;
using Tracelens.Tests.Cli;
using Tracelens.Tests.Experiments;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Figures;

/// <summary>The seed experiments' figures rendered once through the system's librsvg, shared by <see cref="FigurePngTests"/>.</summary>
public sealed class RenderedFigures : IDisposable
{
    private readonly Lazy<IReadOnlyList<ExperimentRun>> _runs;

    public RenderedFigures()
    {
        Trace = new SyntheticTrace();
        Folder = Directory.CreateTempSubdirectory("tracelens-figure-png-").FullName;
        _runs = new(() =>
        {
            var input = new LoadedSteps(Trace.Steps, new ReadDiagnostics(), "generated history (synth seed 7, 600 kB)");
            string[] ids = ["llm_generation/output_tokens", "llm_generation/token_spindles", "prefix_cache/cache_hit_ratio"];
            return ExperimentRunner.Run([.. ids.Select(id => ExperimentCatalog.Find(id)!)], input, Folder, png: SvgRasterizer.System);
        });
    }

    public SyntheticTrace Trace { get; }

    public string Folder { get; }

    public IReadOnlyList<ExperimentRun> Runs => _runs.Value;

    /// <summary>Every PNG written, with its run.</summary>
    public IEnumerable<(ExperimentRun Run, string Path)> Pngs =>
        Runs.SelectMany(run => run.Result!.Outputs.Where(o => o.FileName.EndsWith(".png", StringComparison.Ordinal)).Select(o => (run, System.IO.Path.Combine(run.OutputDirectory, o.FileName))));

    public void Dispose()
    {
        Directory.Delete(Folder, recursive: true);
        Trace.Dispose();
    }
}

/// <summary>
/// PNG figures: valid PNGs (our chunk parser with CRCs, and pngcheck), the size and transparency
/// the figure asks for, and embedded entries that come back byte for byte through
/// <c>tracelens figure extract</c> and through TraceLab's reading algorithm.
/// </summary>
public sealed class FigurePngTests(RenderedFigures rendered) : IClassFixture<RenderedFigures>, IDisposable
{
    private static readonly string[] Stems =
        ["output_tokens_distribution", "token_spindles_transparent", "cache_hit_ratio_histogram", "cache_hit_ratio_append_weighted_histogram"];

    private readonly string _scratch = Directory.CreateTempSubdirectory("tracelens-figure-extract-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [NativeFact(true)]
    public void Every_seed_figure_gets_a_png_listed_in_the_manifest()
    {
        Assert.All(rendered.Runs, run => Assert.True(run.Succeeded && run.PngSkipped is null, run.Error ?? run.PngSkipped));
        Assert.Equal(Stems.Select(s => s + ".png").Order(StringComparer.Ordinal), rendered.Pngs.Select(p => Path.GetFileName(p.Path)).Order(StringComparer.Ordinal));
        foreach (var (run, path) in rendered.Pngs)
        {
            var manifest = File.ReadAllText(Path.Combine(run.OutputDirectory, ExperimentRunner.ManifestFileName));
            Assert.Contains($"\"file\": \"{Path.GetFileName(path)}\"", manifest, StringComparison.Ordinal);
            Assert.True(File.Exists(Path.ChangeExtension(path, ".svg")));
        }
    }

    [NativeFact(true)]
    public void Pngs_are_valid_at_the_figures_size_and_dpi()
    {
        foreach (var (_, path) in rendered.Pngs)
        {
            var chunks = PngChunks.Read(File.ReadAllBytes(path));
            var header = chunks[0].Data;
            var (width, height, colorType) = (BinaryPrimitives.ReadInt32BigEndian(header), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4)), header[9]);
            var (expectedWidth, expectedHeight, dpi, transparent) = Path.GetFileNameWithoutExtension(path) switch
            {
                "output_tokens_distribution" => (1710, 1044, 180, false),
                "token_spindles_transparent" => (3022, 1508, 260, true), // 11.625 in × 260 dpi = 3022.5, rounded half to even
                _ => (3740, 2200, 220, false),
            };
            Assert.Equal((expectedWidth, expectedHeight), (width, height));
            Assert.Equal(transparent ? 6 : 2, colorType); // cairo writes RGBA only when something is see-through
            var perMetre = BinaryPrimitives.ReadUInt32BigEndian(chunks.Single(c => c.Type == "pHYs").Data);
            Assert.Equal((uint)Math.Round(dpi / 0.0254), perMetre);
            // Text chunks come before the image data, as TraceLab's (Pillow's) do.
            Assert.True(chunks.FindLastIndex(c => c.Type is "zTXt" or "iTXt") < chunks.FindIndex(c => c.Type == "IDAT"));
        }
    }

    [NativeFact(true, "pngcheck")]
    public void Pngcheck_finds_no_errors()
    {
        foreach (var (_, path) in rendered.Pngs)
        {
            var (code, stdout, stderr) = ExternalProgram.Run("pngcheck", "-v", path);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains("No errors detected", stdout, StringComparison.Ordinal);
        }
    }

    [NativeFact(true)]
    public void Embedded_entries_come_back_byte_for_byte_through_figure_extract()
    {
        foreach (var (run, path) in rendered.Pngs)
        {
            var target = Path.Combine(_scratch, Path.GetFileNameWithoutExtension(path));
            var result = new CliRunner { Home = _scratch }.Run("figure", "extract", path, "-o", target);
            Assert.True(result.ExitCode == 0, result.Stderr);
            var entries = PngSidecar.Read(File.ReadAllBytes(path));
            var csvs = run.Result!.Outputs.Select(o => o.FileName).Where(f => f.EndsWith(".csv", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(
                ["sidecar:readme", .. csvs.Select(c => "sidecar:data/" + c), "sidecar:data/manifest.json", "sidecar:manifest"],
                entries.Select(e => e.Key));
            foreach (var entry in entries)
            {
                Assert.Equal(Encoding.UTF8.GetBytes(entry.Text), File.ReadAllBytes(Path.Combine(target, PngSidecar.ExtractPath(entry.Key, out _)!)));
            }

            // What the PNG carries is what the run wrote: the README beside the code, the CSVs and manifest on disk.
            Assert.Equal(File.ReadAllBytes(ReadmePath(run.Experiment)), File.ReadAllBytes(Path.Combine(target, "README.md")));
            foreach (var csv in csvs)
            {
                Assert.Equal(File.ReadAllBytes(Path.Combine(run.OutputDirectory, csv)), File.ReadAllBytes(Path.Combine(target, "data", csv)));
            }

            Assert.Equal(File.ReadAllBytes(Path.Combine(run.OutputDirectory, ExperimentRunner.ManifestFileName)), File.ReadAllBytes(Path.Combine(target, "data", "manifest.json")));
            Assert.Equal(PngSidecar.ManifestJson(entries.SkipLast(1).Select(e => new SidecarEntry(e.Key, e.Text))), File.ReadAllText(Path.Combine(target, "manifest.json")));
        }
    }

    [NativeFact(true, "python3")]
    public void TraceLabs_extractor_algorithm_writes_the_same_files()
    {
        foreach (var (_, path) in rendered.Pngs)
        {
            var ours = Path.Combine(_scratch, "ours", Path.GetFileNameWithoutExtension(path));
            var theirs = Path.Combine(_scratch, "tracelab", Path.GetFileNameWithoutExtension(path));
            PngSidecar.Extract(PngSidecar.Read(File.ReadAllBytes(path)), ours);
            var (code, _, stderr) = ExternalProgram.Run("python3", PngSidecarTests.TraceLabReader, "extract", path, theirs);
            Assert.True(code == 0, stderr);
            var files = Directory.GetFiles(ours, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(ours, f)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(files, Directory.GetFiles(theirs, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(theirs, f)).Order(StringComparer.Ordinal));
            Assert.All(files, f => Assert.Equal(File.ReadAllBytes(Path.Combine(ours, f)), File.ReadAllBytes(Path.Combine(theirs, f))));
        }
    }

    [Fact]
    public void Without_librsvg_figures_stay_svg_and_the_run_says_why()
    {
        var missing = Librsvg.Probe("librsvg-absent.so.2");
        Assert.Equal("librsvg-absent.so.2 is not installed (Debian/Ubuntu: apt-get install librsvg2-2)", missing.UnavailableReason);
        var input = new LoadedSteps(rendered.Trace.Steps, new ReadDiagnostics(), "generated");
        var run = Assert.Single(ExperimentRunner.Run([ExperimentCatalog.Find("llm_generation/output_tokens")!], input, Path.Combine(_scratch, "no-png"), png: missing));
        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(missing.UnavailableReason, run.PngSkipped);
        Assert.Equal(["output_tokens_summary.csv", "output_tokens_distribution.svg"], run.Result!.Outputs.Select(o => o.FileName));
        Assert.Empty(Directory.GetFiles(run.OutputDirectory, "*.png"));
    }

    [Fact]
    public void Experiments_without_figures_report_no_png_skip()
    {
        var input = new LoadedSteps(rendered.Trace.Steps, new ReadDiagnostics(), "generated");
        var run = Assert.Single(ExperimentRunner.Run([ExperimentCatalog.Find("trace_facts/overview_summary")!], input, Path.Combine(_scratch, "none"), png: SvgRasterizer.Unavailable("absent")));
        Assert.Null(run.PngSkipped);
    }

    [Fact]
    public void Every_experiment_readme_is_compiled_in_for_its_pngs()
    {
        foreach (var experiment in ExperimentCatalog.All)
        {
            Assert.Equal(File.ReadAllText(ReadmePath(experiment), Encoding.UTF8), FigurePngs.Readme(experiment));
        }
    }

    /// <summary>The README beside the experiment's code (its namespace after <c>Tracelens.Experiments</c> names the folders).</summary>
    private static string ReadmePath(IExperiment experiment) =>
        Path.Combine([TestPaths.RepoRoot, "src", "Tracelens", "Experiments", .. experiment.GetType().Namespace!.Split('.').Skip(2), "README.md"]);
}
