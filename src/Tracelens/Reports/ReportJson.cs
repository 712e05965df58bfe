using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Tracelens.Model;

namespace Tracelens.Reports;

/// <summary>
/// The JSON shapes of the reports (<c>Reports/README.md</c>), written once here so the CLI's
/// <c>--json</c> and the dashboard's <c>/api/…</c> give the same bytes for the same report.
/// </summary>
public static class ReportJson
{
    private static readonly JsonWriterOptions Indented = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static readonly JsonWriterOptions OneLine = Indented with { Indented = false };

    /// <summary>A document as the CLI prints it: indented, keys in the order written, UTF-8 unescaped, <c>\n</c> line ends, no final newline.</summary>
    public static string Document(Action<Utf8JsonWriter> body, bool indented = true)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, indented ? Indented : OneLine))
        {
            body(json);
        }

        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal);
    }

    /// <summary>An exact USD amount, without trailing zeros (0.5, not 0.50000); null when unpriced.</summary>
    public static void WriteUsd(Utf8JsonWriter j, string name, decimal? usd)
    {
        if (usd is { } v)
        {
            j.WriteNumber(name, v / 1.000000000000000000000000000000000m);
        }
        else
        {
            j.WriteNull(name);
        }
    }

    /// <summary><c>{input, output, cache_read, cache_write_5m, cache_write_1h, reasoning, total}</c>.</summary>
    public static void WriteTokens(Utf8JsonWriter j, string name, TokenCounts t)
    {
        j.WriteStartObject(name);
        j.WriteNumber("input", t.Input);
        j.WriteNumber("output", t.Output);
        j.WriteNumber("cache_read", t.CacheRead);
        j.WriteNumber("cache_write_5m", t.CacheWrite5m);
        j.WriteNumber("cache_write_1h", t.CacheWrite1h);
        j.WriteNumber("reasoning", t.Reasoning);
        j.WriteNumber("total", t.Total);
        j.WriteEndObject();
    }

    /// <summary><c>{"time_zone", "since", "until", "project", "session", "providers", "model"}</c>, nulls for unset filters.</summary>
    public static void WriteFilters(Utf8JsonWriter j, ReportFilter f)
    {
        j.WriteStartObject("filters");
        j.WriteString("time_zone", f.TimeZone.Id);
        j.WriteString("since", f.Since is { } since ? ReportTime.ToStored(since) : null);
        j.WriteString("until", f.Until is { } until ? ReportTime.ToStored(until) : null);
        j.WriteString("project", f.Project);
        j.WriteString("session", f.Session);
        j.WriteStartArray("providers");
        foreach (var p in f.Providers)
        {
            j.WriteStringValue(p.WireName());
        }

        j.WriteEndArray();
        j.WriteString("model", f.Model);
        j.WriteEndObject();
    }

    public static void WriteStopReasons(Utf8JsonWriter j, IReadOnlyList<StopReasonCount> reasons)
    {
        j.WriteStartObject("stop_reasons");
        foreach (var (reason, steps) in reasons)
        {
            j.WriteNumber(reason, steps);
        }

        j.WriteEndObject();
    }

    /// <summary><c>"unpriced_models": [{model, steps, tokens}]</c>: counted in every total, left out of every cost.</summary>
    public static void WriteUnpriced(Utf8JsonWriter j, IEnumerable<ModelUsage> unpriced)
    {
        j.WriteStartArray("unpriced_models");
        foreach (var (model, usage) in unpriced)
        {
            j.WriteStartObject();
            j.WriteString("model", model);
            j.WriteNumber("steps", usage.UnpricedSteps);
            WriteTokens(j, "tokens", usage.UnpricedTokens);
            j.WriteEndObject();
        }

        j.WriteEndArray();
    }

    /// <summary>The grouping's lower-case name, as <c>--by</c> takes it and JSON writes it.</summary>
    public static string Name(UsageGrouping g) => g switch
    {
        UsageGrouping.Model => "model",
        UsageGrouping.Provider => "provider",
        UsageGrouping.Project => "project",
        UsageGrouping.Day => "day",
        UsageGrouping.Week => "week",
        UsageGrouping.Month => "month",
        UsageGrouping.Session => "session",
        UsageGrouping.Tool => "tool",
        _ => "subagent",
    };

    /// <summary><c>summary --json</c>.</summary>
    public static void WriteSummary(Utf8JsonWriter j, UsageReport report)
    {
        j.WriteStartObject();
        j.WriteString("group_by", Name(report.GroupBy));
        WriteFilters(j, report.Filter);
        j.WriteNumber("steps", report.Total.Steps);
        WriteTokens(j, "tokens", report.Total.Tokens);
        WriteUsd(j, "cost_usd", report.Total.Cost);
        var c = report.Total.PricedCost;
        j.WriteStartObject("cost_by_type_usd");
        WriteUsd(j, "input", c.Input);
        WriteUsd(j, "output", c.Output);
        WriteUsd(j, "reasoning", c.Reasoning);
        WriteUsd(j, "cache_read", c.CacheRead);
        WriteUsd(j, "cache_write_5m", c.CacheWrite5m);
        WriteUsd(j, "cache_write_1h", c.CacheWrite1h);
        j.WriteEndObject();
        j.WriteNumber("unpriced_steps", report.Total.UnpricedSteps);
        j.WriteStartArray("rows");
        foreach (var row in report.Rows)
        {
            j.WriteStartObject();
            j.WriteString("key", row.Key);
            j.WriteNumber("steps", row.Usage.Steps);
            if (report.GroupBy == UsageGrouping.Tool)
            {
                j.WriteNumber("calls", row.Usage.ToolCalls);
            }

            if (row.Sessions is { } sessions)
            {
                j.WriteNumber("sessions", sessions);
            }

            WriteTokens(j, "tokens", row.Usage.Tokens);
            WriteUsd(j, "cost_usd", row.Usage.Cost);
            j.WriteNumber("unpriced_steps", row.Usage.UnpricedSteps);
            j.WriteStartArray("models");
            foreach (var model in row.ByModel)
            {
                j.WriteStringValue(model.Model);
            }

            j.WriteEndArray();
            j.WriteEndObject();
        }

        j.WriteEndArray();
        WriteStopReasons(j, report.StopReasons);
        WriteUnpriced(j, report.UnpricedModels);
        j.WriteEndObject();
    }

    /// <summary><c>sessions --json</c>.</summary>
    public static void WriteSessions(Utf8JsonWriter j, ReportFilter filter, string? grep, int limit, SessionList list)
    {
        j.WriteStartObject();
        WriteFilters(j, filter);
        j.WriteString("grep", grep);
        j.WriteNumber("limit", limit);
        j.WriteNumber("matched", list.Matched);
        j.WriteBoolean("truncated", list.Truncated);
        j.WriteStartArray("sessions");
        foreach (var s in list.Sessions)
        {
            j.WriteStartObject();
            j.WriteString("session_id", s.SessionId);
            j.WriteString("provider", string.Join(",", s.Usage.Providers));
            j.WriteString("project", s.Project);
            j.WriteString("first_seen", s.Usage.FirstStartedAt);
            j.WriteString("last_seen", s.Usage.LastStartedAt);
            if (s.Duration is { } d)
            {
                j.WriteNumber("duration_seconds", Math.Round(d.TotalSeconds, 3));
            }
            else
            {
                j.WriteNull("duration_seconds");
            }

            j.WriteNumber("steps", s.Usage.Steps);
            j.WriteNumber("subagents", s.Subagents);
            j.WriteStartArray("models");
            foreach (var m in s.Usage.Models)
            {
                j.WriteStringValue(m);
            }

            j.WriteEndArray();
            WriteTokens(j, "tokens", s.Usage.Tokens);
            WriteUsd(j, "cost_usd", s.Usage.Cost);
            j.WriteNumber("unpriced_steps", s.Usage.UnpricedSteps);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    }
}
