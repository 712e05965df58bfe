using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Tracelens.Cli.Rendering;
using Tracelens.Pricing;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens prices</c>: the price table every cost is computed from (embedded, merged with the
/// user's override file), and how a model name resolves to it. The JSON shape is documented in
/// <c>src/Tracelens/Pricing/README.md</c>.
/// </summary>
public static class PricesCommand
{
    public static Command Build(CliIo io)
    {
        var json = new Option<bool>("--json") { Description = "Print as JSON: {currency, unit, tier_threshold_tokens, override, sources[], models[]}; with --model: {model, resolved, rule, price}" };
        var model = new Option<string?>("--model") { Description = "Show the price this model name resolves to (or that it is unpriced)" };
        var prices = new Option<string?>("--prices") { Description = "Override file merged over the built-in table (default: $TRACELENS_HOME/prices.json or ~/.tracelens/prices.json, when it exists)" };
        var command = new Command("prices", "Show the price table (USD per million tokens) and how model names resolve to it") { json, model, prices };
        command.SetAction(parse => Run(io, parse.GetValue(prices), parse.GetValue(model), parse.GetValue(json)));
        return command;
    }

    public static int Run(CliIo io, string? pricesPath, string? model, bool json)
    {
        PriceBook book;
        try
        {
            book = PriceBook.Open(pricesPath, io.Env, io.Home);
        }
        catch (PriceFileException e)
        {
            if (json)
            {
                JsonOutput.WriteError(io.Out, "bad-price-file", e.Message);
            }
            else
            {
                io.Err.WriteLine($"tracelens prices: {e.Message}");
            }

            return ExitCodes.Failure;
        }

        if (model is not null)
        {
            ShowResolution(io, book, model, json);
        }
        else if (json)
        {
            JsonOutput.Write(io.Out, j => WriteTable(j, book));
        }
        else
        {
            ShowTable(io, book);
        }

        return ExitCodes.Ok;
    }

    private static void ShowTable(CliIo io, PriceBook book)
    {
        io.Out.WriteLine("Prices in USD per million tokens.");
        foreach (var s in book.Sources)
        {
            io.Out.WriteLine($"  {s.Vendor}: {s.Source} (retrieved {s.Retrieved})");
        }

        if (book.OverridePath is { } path)
        {
            io.Out.WriteLine($"Override: {path} (changed or added models are marked *)");
        }

        Render(io, book.Models);
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Above 200k: tokens of one type beyond the first {PriceBook.TierThresholdTokens:N0} in one request (input / output / cache read / write 5m / write 1h)."));
        io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Above 272k input: every token of a request with more than {PriceBook.RequestTierThresholdTokens:N0} input tokens (fresh, cached and written), same order."));
    }

    private static void ShowResolution(CliIo io, PriceBook book, string model, bool json)
    {
        var resolution = book.Resolve(model);
        if (json)
        {
            JsonOutput.Write(io.Out, j =>
            {
                j.WriteStartObject();
                j.WriteString("model", model);
                if (resolution is null)
                {
                    j.WriteNull("resolved");
                    j.WriteNull("rule");
                    j.WriteNull("price");
                }
                else
                {
                    j.WriteString("resolved", resolution.Price.Id);
                    j.WriteString("rule", resolution.RuleName);
                    j.WritePropertyName("price");
                    WriteModel(j, resolution.Price);
                }

                j.WriteEndObject();
            });
            return;
        }

        if (resolution is null)
        {
            io.Out.WriteLine($"{model} is unpriced: no model in the price table matches it.");
            io.Out.WriteLine($"Its costs are reported as unpriced, never as $0. To price it, add it to {book.OverridePath ?? PriceBook.DefaultOverridePath(io.Env, io.Home)}.");
            return;
        }

        var how = resolution.Rule switch
        {
            ResolutionRule.Exact => "exact key",
            ResolutionRule.Normalized => "normalized: case, dots, provider prefix and date or version suffix ignored",
            ResolutionRule.Alias => "alias",
            _ => "longest key the name extends",
        };
        io.Out.WriteLine($"{model} → {resolution.Price.Id} ({how})");
        Render(io, [resolution.Price]);
    }

    private static void Render(CliIo io, IEnumerable<ModelPrice> models)
    {
        var table = new TextTable();
        table.AddColumn(new TextColumn("model").NoWrap());
        table.AddColumn(new TextColumn("vendor").NoWrap());
        foreach (var header in (ReadOnlySpan<string>)["input", "output", "cache read", "write 5m", "write 1h"])
        {
            table.AddColumn(new TextColumn(header).AlignRight().NoWrap());
        }

        table.AddColumn(new TextColumn("above 200k").NoWrap());
        table.AddColumn(new TextColumn("above 272k input").NoWrap());
        static string Tier(TokenRates? t) =>
            t is { } a ? string.Join(" / ", Rate(a.Input), Rate(a.Output), Rate(a.CacheRead), Rate(a.CacheWrite5m), Rate(a.CacheWrite1h)) : "-";
        foreach (var m in models)
        {
            var r = m.Rates;
            table.AddRow(
                m.Overridden ? m.Id + " *" : m.Id, m.Vendor,
                Rate(r.Input), Rate(r.Output), Rate(r.CacheRead), Rate(r.CacheWrite5m), Rate(r.CacheWrite1h), Tier(m.Above200k), Tier(m.Above272kInput));
        }

        table.Write(io);
    }

    private static string Rate(decimal usdPerMillion) => usdPerMillion.ToString("0.######", CultureInfo.InvariantCulture);

    private static void WriteTable(Utf8JsonWriter j, PriceBook book)
    {
        j.WriteStartObject();
        j.WriteString("currency", "USD");
        j.WriteString("unit", "per_million_tokens");
        j.WriteNumber("tier_threshold_tokens", PriceBook.TierThresholdTokens);
        j.WriteString("override", book.OverridePath); // null when no override file was merged

        j.WriteStartArray("sources");
        foreach (var s in book.Sources)
        {
            j.WriteStartObject();
            j.WriteString("vendor", s.Vendor);
            j.WriteString("source", s.Source);
            j.WriteString("retrieved", s.Retrieved);
            j.WriteString("pricing_page", s.PricingPage);
            j.WriteString("note", s.Note);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartArray("models");
        foreach (var m in book.Models)
        {
            WriteModel(j, m);
        }

        j.WriteEndArray();
        j.WriteEndObject();
    }

    private static void WriteModel(Utf8JsonWriter j, ModelPrice m)
    {
        j.WriteStartObject();
        j.WriteString("id", m.Id);
        j.WriteString("vendor", m.Vendor);
        WriteRates(j, m.Rates);
        WriteTier(j, "above_200k", m.Above200k);
        WriteTier(j, "above_272k_input", m.Above272kInput);

        j.WriteBoolean("overridden", m.Overridden);
        j.WriteEndObject();
    }

    private static void WriteTier(Utf8JsonWriter j, string name, TokenRates? tier)
    {
        if (tier is { } rates)
        {
            j.WriteStartObject(name);
            WriteRates(j, rates);
            j.WriteEndObject();
        }
        else
        {
            j.WriteNull(name);
        }
    }

    private static void WriteRates(Utf8JsonWriter j, TokenRates r)
    {
        j.WriteNumber("input", r.Input);
        j.WriteNumber("output", r.Output);
        j.WriteNumber("cache_read", r.CacheRead);
        j.WriteNumber("cache_write_5m", r.CacheWrite5m);
        j.WriteNumber("cache_write_1h", r.CacheWrite1h);
    }
}
