using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Cli;

/// <summary>Golden tests of `tracelens prices`: the table, model resolution and a bad override file.</summary>
public sealed class PricesCliTests : IDisposable
{
    private readonly string _home = Directory.CreateTempSubdirectory("tracelens-prices-cli-").FullName;

    public void Dispose() => Directory.Delete(_home, recursive: true);

    private CliRunner.Result Run(params string[] args) => new CliRunner { Home = _home }.Run(args);

    private string Golden(CliRunner.Result r) => r.Render((_home, "<HOME>"));

    private string PlantOverride(string json)
    {
        var folder = Path.Combine(_home, ".tracelens");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, "prices.json");
        File.WriteAllText(path, json.ReplaceLineEndings("\n"));
        return path;
    }

    [Fact]
    public void Prices_prints_the_table_with_its_sources() => Snapshot.Match(Golden(Run("prices")), "Cli", "prices.txt");

    [Fact]
    public void Prices_json() => Snapshot.Match(Golden(Run("prices", "--json")), "Cli", "prices-json.txt");

    [Fact]
    public void Prices_model_shows_how_a_dated_id_resolves() =>
        Snapshot.Match(Golden(Run("prices", "--model", "claude-sonnet-4-5-20250929")), "Cli", "prices-model.txt");

    [Fact]
    public void Prices_model_json() =>
        Snapshot.Match(Golden(Run("prices", "--model", "claude-sonnet-4-5-20250929", "--json")), "Cli", "prices-model-json.txt");

    [Fact]
    public void Prices_model_says_an_unknown_model_is_unpriced_and_exits_0()
    {
        var r = Run("prices", "--model", "gpt-9");
        Assert.Equal(0, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "prices-model-unpriced.txt");
        var json = Run("prices", "--model", "gpt-9", "--json");
        Assert.Equal(0, json.ExitCode);
        Snapshot.Match(Golden(json), "Cli", "prices-model-unpriced-json.txt");
    }

    [Fact]
    public void Prices_merges_the_override_file_and_marks_what_it_changed()
    {
        var path = PlantOverride("""{ "models": { "claude-opus-4-6": { "input": 4 }, "gpt-9": { "input": 1, "output": 2, "cache_read": 0.1, "cache_write_5m": 1, "cache_write_1h": 1 } } }""");
        var r = Run("prices", "--prices", path);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Override: <HOME>/.tracelens/prices.json", Golden(r), StringComparison.Ordinal);
        Assert.Contains("claude-opus-4-6 *", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("gpt-9 *", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(r.Stdout, Run("prices").Stdout); // the default location is read without --prices
    }

    [Fact]
    public void A_bad_override_file_is_an_error_naming_the_file_and_line_with_exit_2()
    {
        PlantOverride("{\n  \"models\": {\n    \"o3\": { \"input\": \"cheap\" }\n  }\n}\n");
        var r = Run("prices");
        Assert.Equal(2, r.ExitCode);
        Snapshot.Match(Golden(r), "Cli", "prices-bad-override.txt");
        var json = Run("prices", "--json");
        Assert.Equal(2, json.ExitCode);
        Snapshot.Match(Golden(json), "Cli", "prices-bad-override-json.txt");
    }

    [Fact]
    public void A_missing_explicit_override_file_is_an_error()
    {
        var r = Run("prices", "--prices", Path.Combine(_home, "missing.json"));
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("tracelens prices: <HOME>/missing.json: file not found\n", r.Render((_home, "<HOME>")).Split("--- stderr\n")[1]);
    }
}
