using System.Globalization;
using Tracelens.Analysis;
using Tracelens.Model;

namespace Tracelens.Cli.Rendering;

/// <summary>The tokens-by-model table shared by collect and demo.</summary>
public static class UsageTable
{
    public static void Render(CliIo io, UsageTotals totals)
    {
        var table = new TextTable();
        table.AddColumn(new TextColumn("provider").NoWrap());
        table.AddColumn(new TextColumn("model").NoWrap());
        foreach (var header in (ReadOnlySpan<string>)["steps", "fresh in", "cache read", "write 5m", "write 1h", "output", "reasoning", "tools"])
        {
            table.AddColumn(new TextColumn(header).AlignRight().NoWrap());
        }

        foreach (var (provider, model, t) in totals.ByModel())
        {
            table.AddRow(Row(provider.WireName(), model, t));
        }

        table.AddRow(Row("total", string.Empty, totals.All));
        table.Write(io);
    }

    private static string[] Row(string provider, string model, UsageTotal t) =>
    [
        provider, model, N(t.Steps), N(t.FreshInputTokens), N(t.CacheReadTokens),
        N(t.CacheWrite5mTokens), N(t.CacheWrite1hTokens), N(t.OutputTokens), N(t.ReasoningTokens), N(t.ToolCalls),
    ];

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    public static void WriteJson(System.Text.Json.Utf8JsonWriter j, UsageTotals totals)
    {
        j.WriteStartArray("by_model");
        foreach (var (provider, model, t) in totals.ByModel())
        {
            j.WriteStartObject();
            j.WriteString("provider", provider.WireName());
            j.WriteString("model", model);
            Fields(j, t);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartObject("total");
        Fields(j, totals.All);
        j.WriteEndObject();
    }

    private static void Fields(System.Text.Json.Utf8JsonWriter j, UsageTotal t)
    {
        j.WriteNumber("steps", t.Steps);
        j.WriteNumber("input_tokens_total", t.InputTokensTotal);
        j.WriteNumber("fresh_input_tokens", t.FreshInputTokens);
        j.WriteNumber("cache_read_tokens", t.CacheReadTokens);
        j.WriteNumber("cache_write_5m_tokens", t.CacheWrite5mTokens);
        j.WriteNumber("cache_write_1h_tokens", t.CacheWrite1hTokens);
        j.WriteNumber("output_tokens", t.OutputTokens);
        j.WriteNumber("reasoning_tokens", t.ReasoningTokens);
        j.WriteNumber("tool_calls", t.ToolCalls);
    }
}
