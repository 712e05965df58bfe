using System.Text.Json;
using Tracelens.Dashboard;
using Tracelens.Reports;

namespace Tracelens.Web.Endpoints;

/// <summary>The JSON of <c>/api/distributions</c> (shape: <c>src/Tracelens.Web/README.md</c>); numbers raw, the page formats them.</summary>
public static class DistributionsJson
{
    public static void Write(Utf8JsonWriter j, DashboardDistributions d)
    {
        ArgumentNullException.ThrowIfNull(j);
        ArgumentNullException.ThrowIfNull(d);
        j.WriteStartObject();
        ReportJson.WriteFilters(j, d.Filter);

        j.WritePropertyName("tool_latency_distribution");
        Cdfs(j, "ms", d.ToolLatency);

        j.WriteStartObject("tool_latency_by_category");
        j.WriteString("unit", "ms");
        j.WriteStartArray("categories");
        foreach (var b in d.ToolLatencyByCategory)
        {
            j.WriteStartObject();
            j.WriteString("category", b.Category);
            j.WriteNumber("calls", b.Calls);
            DashboardJson.WriteRounded(j, "p5", b.P5);
            DashboardJson.WriteRounded(j, "p25", b.P25);
            DashboardJson.WriteRounded(j, "median", b.Median);
            DashboardJson.WriteRounded(j, "p75", b.P75);
            DashboardJson.WriteRounded(j, "p95", b.P95);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();

        j.WriteStartObject("tool_call_counts");
        j.WriteNumber("total_calls", d.ToolCallCounts.TotalCalls);
        j.WriteNumber("distinct_tools", d.ToolCallCounts.DistinctTools);
        j.WriteStartArray("top");
        foreach (var t in d.ToolCallCounts.Top)
        {
            j.WriteStartObject();
            j.WriteString("tool", t.Tool);
            j.WriteNumber("calls", t.Calls);
            j.WriteNumber("errors", t.Errors);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();

        j.WriteStartObject("prefix_append_scatter");
        j.WriteString("unit", "tokens");
        j.WriteStartArray("providers");
        foreach (var p in d.PrefixAppend)
        {
            j.WriteStartObject();
            j.WriteString("provider", p.Provider);
            j.WriteNumber("eligible_steps", p.Eligible);
            j.WriteNumber("stride", p.Stride);
            j.WriteStartArray("points");
            foreach (var (prefix, append) in p.Points)
            {
                j.WriteStartArray();
                j.WriteNumberValue(prefix);
                j.WriteNumberValue(append);
                j.WriteEndArray();
            }

            j.WriteEndArray();
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();

        var o = d.OutputTokens;
        j.WriteStartObject("output_tokens");
        j.WriteString("unit", "tokens");
        DashboardJson.WriteRounded(j, "p1", o.P1);
        DashboardJson.WriteRounded(j, "p99", o.P99);
        j.WriteStartArray("edges");
        foreach (var edge in o.Edges)
        {
            j.WriteNumberValue(DashboardJson.Rounded(edge));
        }

        j.WriteEndArray();
        ProviderCounts(j, o.Providers);
        j.WriteEndObject();

        j.WritePropertyName("generation_time_cdf");
        Cdfs(j, "s", d.GenerationTime);

        j.WriteStartObject("cache_hit_ratio");
        j.WriteStartArray("bands");
        foreach (var label in DistributionQueries.CacheHitBandLabels)
        {
            j.WriteStringValue(label);
        }

        j.WriteEndArray();
        ProviderCounts(j, d.CacheHitRatio);
        j.WriteEndObject();

        j.WritePropertyName("human_input_wait");
        Cdfs(j, "s", d.HumanInputWait);

        j.WriteEndObject();
    }

    private static void ProviderCounts(Utf8JsonWriter j, IReadOnlyList<ProviderCounts> providers)
    {
        j.WriteStartArray("providers");
        foreach (var p in providers)
        {
            j.WriteStartObject();
            j.WriteString("provider", p.Provider);
            j.WriteNumber("eligible_steps", p.Eligible);
            Longs(j, "counts", p.Counts);
            j.WriteEndObject();
        }

        j.WriteEndArray();
    }

    private static void Cdfs(Utf8JsonWriter j, string unit, IReadOnlyList<ProviderCdf> cdfs)
    {
        j.WriteStartObject();
        j.WriteString("unit", unit);
        j.WriteStartArray("providers");
        foreach (var c in cdfs)
        {
            j.WriteStartObject();
            j.WriteString("provider", c.Provider);
            j.WriteNumber("count", c.Count);
            j.WriteNumber("excluded", c.Excluded);
            DashboardJson.WriteRounded(j, "median", c.Median);
            DashboardJson.WriteRounded(j, "p90", c.P90);
            j.WriteStartArray("points");
            foreach (var p in c.Points)
            {
                j.WriteStartArray();
                j.WriteNumberValue(DashboardJson.Rounded(p.Value));
                j.WriteNumberValue(DashboardJson.Rounded(p.Fraction));
                j.WriteEndArray();
            }

            j.WriteEndArray();
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    }

    private static void Longs(Utf8JsonWriter j, string name, IReadOnlyList<long> values)
    {
        j.WriteStartArray(name);
        foreach (var v in values)
        {
            j.WriteNumberValue(v);
        }

        j.WriteEndArray();
    }
}
