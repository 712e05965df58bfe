using Tracelens.Figures.Png;
using Tracelens.Tests.Experiments;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>`tracelens experiments list|run`: what a user sees (stdout, stderr, exit code) and what lands on disk.</summary>
public sealed class ExperimentsCliTests(SyntheticTrace trace) : IClassFixture<SyntheticTrace>, IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-experiments-cli-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    // Goldens must not depend on whether this machine has librsvg: by default the runner has none, with a fixed reason.
    private CliRunner Runner() => new() { Home = _home, Rasterizer = () => SvgRasterizer.Unavailable("librsvg-2.so.2 is not installed (Debian/Ubuntu: apt-get install librsvg2-2)") };

    private string Golden(CliRunner.Result r, string? output = null) =>
        r.Render((trace.TracePath, "<TRACE>"), (output ?? "\0", "<OUT>"), (_home, "<HOME>"));

    [Fact]
    public void List_names_every_experiment_with_its_question()
    {
        Snapshot.Match(Golden(Runner().Run("experiments", "list")), "Cli", "experiments-list.txt");
        Snapshot.Match(Golden(Runner().Run("experiments", "list", "--json")), "Cli", "experiments-list-json.txt");
    }

    [Fact]
    public void Run_all_writes_one_folder_per_experiment_with_a_manifest_and_says_why_pngs_were_skipped()
    {
        var output = Path.Combine(_home, "results");
        var r = Runner().Run("experiments", "run", "--all", "--input", trace.TracePath, "-o", output);
        Assert.Equal(0, r.ExitCode);
        Snapshot.Match(Golden(r, output), "Cli", "experiments-run-all.txt");
        foreach (var id in Tracelens.Experiments.ExperimentCatalog.All.Select(e => e.Id))
        {
            Assert.True(File.Exists(Path.Combine(output, id, "manifest.json")), id);
        }
    }

    [Fact]
    public void Without_input_the_ledger_is_ingested_and_analysed_with_the_same_results_as_its_export()
    {
        var runner = Runner();
        Assert.Equal(0, runner.Run("import", trace.TracePath).ExitCode);
        var fromLedger = Path.Combine(_home, "ledger-results");
        var r = runner.Run("experiments", "run", "--all", "--no-ingest", "--no-png", "-o", fromLedger);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(".tracelens/ledger.db", r.Stdout, StringComparison.Ordinal);
        var fromTrace = Path.Combine(_home, "trace-results");
        Assert.Equal(0, runner.Run("experiments", "run", "--all", "--no-png", "-i", trace.TracePath, "-o", fromTrace).ExitCode);
        var csvs = Directory.GetFiles(fromTrace, "*.csv", SearchOption.AllDirectories);
        Assert.NotEmpty(csvs);
        foreach (var csv in csvs)
        {
            Assert.Equal(File.ReadAllBytes(csv), File.ReadAllBytes(Path.Combine(fromLedger, Path.GetRelativePath(fromTrace, csv))));
        }

        var missing = runner.Run("experiments", "run", "--all", "--no-ingest", "--ledger", Path.Combine(_home, "none.db"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("no ledger at", missing.Stderr, StringComparison.Ordinal);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    [Fact]
    public void Run_selected_experiments_as_json()
    {
        var output = Path.Combine(_home, "some");
        var r = Runner().Run("experiments", "run", "prefix_cache/cache_hit_ratio", "llm_generation/output_tokens", "-i", trace.TracePath, "-o", output, "--json", "--no-png");
        Assert.Equal(0, r.ExitCode);
        Snapshot.Match(Golden(r, output), "Cli", "experiments-run-json.txt");
        Assert.False(Directory.Exists(Path.Combine(output, "trace_facts")));
    }

    [NativeFact(true)]
    public void With_librsvg_each_figure_also_gets_a_png()
    {
        var output = Path.Combine(_home, "png");
        var r = new CliRunner { Home = _home }.Run("experiments", "run", "llm_generation/token_spindles", "-i", trace.TracePath, "-o", output);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("token_spindles_transparent.svg (3), token_spindles_transparent.png (3)", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("PNG figures skipped", r.Stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(output, "llm_generation", "token_spindles", "token_spindles_transparent.png")));
    }

    [Fact]
    public void A_trace_without_usable_rows_fails_naming_each_bad_line()
    {
        var input = Path.Combine(_home, "broken.jsonl");
        File.WriteAllText(input, "{\"provider\":\"claude\",\"session_id\":\"s\"\n\n{\"provider\":\"gemini\",\"session_id\":\"s\",\"round_id\":\"r\"}\n[]\n");
        var r = Runner().Run("experiments", "run", "--all", "--input", input, "-o", Path.Combine(_home, "never"));
        Assert.Equal(2, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "experiments-run-invalid.txt");
        Assert.False(Directory.Exists(Path.Combine(_home, "never")));
    }

    [Fact]
    public void Unknown_ids_and_missing_selection_are_usage_errors()
    {
        var unknown = Runner().Run("experiments", "run", "llm_generation/nope", "--input", trace.TracePath);
        var none = Runner().Run("experiments", "run", "--input", trace.TracePath);
        var missing = Runner().Run("experiments", "run", "--all", "--input", Path.Combine(_home, "absent.jsonl"), "--json");
        Assert.Equal((1, 1, 2), (unknown.ExitCode, none.ExitCode, missing.ExitCode));
        Snapshot.Match(Golden(unknown) + Golden(none) + Golden(missing), "Cli", "experiments-run-usage.txt");
    }
}
