using Tracelens.Pricing;
using Xunit;

namespace Tracelens.Tests.Pricing;

/// <summary>The user's override file: merged per model and per field; a bad file names its line.</summary>
public sealed class PriceOverrideTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tracelens-prices-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_dir, "prices.json");
        File.WriteAllText(path, json.ReplaceLineEndings("\n"));
        return path;
    }

    [Fact]
    public void An_override_replaces_only_the_fields_it_names()
    {
        var book = PriceBook.WithOverride(Write("""
            {
              "models": {
                "claude-sonnet-4-5": { "input": 2.5, "above_200k": { "output": 30 } }
              }
            }
            """));
        var price = book.Resolve("claude-sonnet-4-5-20250929")!.Price;
        Assert.True(price.Overridden);
        Assert.Equal(new TokenRates(2.5m, 15m, 0.3m, 3.75m, 6m), price.Rates);
        Assert.Equal(new TokenRates(6m, 30m, 0.6m, 7.5m, 12m), price.Above200k);
        Assert.False(book.Resolve("claude-opus-4-6")!.Price.Overridden);
        Assert.Equal(book.Models.Count, PriceBook.Embedded.Models.Count);
    }

    [Fact]
    public void An_override_can_add_a_model_remove_a_tier_and_add_an_alias()
    {
        var book = PriceBook.WithOverride(Write("""
            {
              // comments are fine in a hand-edited file
              "models": {
                "gpt-9": { "vendor": "openai", "input": 4, "output": 40, "cache_read": 0.4, "cache_write_5m": 4, "cache_write_1h": 4, },
                "claude-sonnet-4.5": { "above_200k": null }
              },
              "aliases": { "my-gateway-model": "gpt-9" }
            }
            """));
        Assert.Equal("gpt-9", book.Resolve("gpt-9-2027-01-01")!.Price.Id);
        Assert.Equal("gpt-9", book.Resolve("my-gateway-model")!.Price.Id);
        Assert.Equal("gpt-9", book.Models[^1].Id);
        Assert.Null(book.Resolve("claude-sonnet-4-5")!.Price.Above200k);
        Assert.Equal(0.4m, book.Cost("gpt-9", new TokenUsage(0, 10_000, 0, 0, 0))!.Value.Total);
    }

    [Fact]
    public void Open_uses_the_default_file_only_when_it_exists_and_an_explicit_file_must_exist()
    {
        var home = Path.Combine(_dir, "home");
        Directory.CreateDirectory(Path.Combine(home, ".tracelens"));
        Assert.Same(PriceBook.Embedded, PriceBook.Open(null, _ => null, home));

        File.WriteAllText(Path.Combine(home, ".tracelens", "prices.json"), """{ "models": { "o3": { "output": 9 } } }""");
        Assert.Equal(9m, PriceBook.Open(null, _ => null, home).Resolve("o3")!.Price.Rates.Output);
        Assert.Equal(8m, PriceBook.Open(null, name => name == "TRACELENS_HOME" ? _dir : null, home).Resolve("o3")!.Price.Rates.Output);

        var missing = Assert.Throws<PriceFileException>(() => PriceBook.Open(Path.Combine(_dir, "nope.json"), _ => null, home));
        Assert.Equal($"{Path.Combine(_dir, "nope.json")}: file not found", missing.Message);
    }

    [Theory]
    [InlineData("{\n  \"models\": {\n    \"o3\": { \"input\": 1,, }\n  }\n}", 3, "invalid JSON")]
    [InlineData("{\n  \"models\": {\n    \"o3\": {\n      \"input\": \"2\"\n    }\n  }\n}", 4, "\"input\" must be a number of USD per million tokens")]
    [InlineData("{\n  \"models\": {\n    \"o3\": { \"output\": -1 }\n  }\n}", 3, "\"output\" must not be negative")]
    [InlineData("{\n  \"models\": {\n    \"o3\": {\n      \"cache_write\": 2\n    }\n  }\n}", 4, "unknown field \"cache_write\" in model \"o3\"")]
    [InlineData("{\n  \"models\": {\n\n    \"gpt-9\": { \"input\": 1, \"output\": 2 }\n  }\n}", 4, "missing: cache_read, cache_write_5m, cache_write_1h")]
    [InlineData("{\n  \"models\": {\n    \"o3\": { \"input\": 1 },\n    \"O3\": { \"input\": 2 }\n  }\n}", 4, "model \"O3\" appears twice (first on line 3)")]
    [InlineData("{\n  \"aliases\": {\n    \"x\": \"no-such-model\"\n  }\n}", 3, "alias \"x\" points at \"no-such-model\"")]
    [InlineData("{\n  \"currency\": \"EUR\"\n}", 2, "\"currency\" must be \"USD\"")]
    [InlineData("{\n  \"models\": {\n    \"o3\": { \"input\": 1 }\n", 4, "invalid JSON")]
    [InlineData("[]", 1, "the file must be a JSON object")]
    public void A_bad_file_is_reported_with_its_path_and_line(string json, int line, string reason)
    {
        var path = Write(json);
        var e = Assert.Throws<PriceFileException>(() => PriceBook.WithOverride(path));
        Assert.Equal(path, e.Path);
        Assert.Equal(line, e.Line);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:{line}: ", e.Message, StringComparison.Ordinal);
    }
}
