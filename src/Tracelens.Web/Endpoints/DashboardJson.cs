using System.Text.Json;
using Tracelens.Dashboard;
using Tracelens.Reports;

namespace Tracelens.Web.Endpoints;

/// <summary>The JSON of the dashboard's own shapes (<c>/api/overview</c>, <c>/api/sessions/{id}</c>); numbers raw, the page formats them.</summary>
public static class DashboardJson
{
    public static void WriteOverview(Utf8JsonWriter j, DashboardOverview o)
    {
        var k = o.Kpis;
        j.WriteStartObject();
        ReportJson.WriteFilters(j, o.Filter);
        j.WriteStartObject("kpis");
        j.WriteNumber("sessions", k.Sessions);
        j.WriteNumber("active_days", k.ActiveDays);
        j.WriteNumber("span_days", k.SpanDays);
        j.WriteNumber("steps", k.Steps);
        j.WriteNumber("users", k.Users);
        ReportJson.WriteUsd(j, "cost_usd", k.TotalCostUsd);
        ReportJson.WriteUsd(j, "cost_per_active_day_usd", Round(k.CostPerActiveDayUsd));
        ReportJson.WriteUsd(j, "cache_saved_usd", Round(k.CacheSavedUsd));
        j.WriteNumber("total_input", k.TotalInput);
        j.WriteNumber("cached_input", k.CachedInput);
        j.WriteNumber("uncached_input", k.UncachedInput);
        WriteRounded(j, "cached_share", k.CachedShare);
        j.WriteNumber("output", k.Output);
        WriteRounded(j, "output_per_step", k.OutputPerStep);
        j.WriteNumber("unpriced_steps", k.UnpricedSteps);
        j.WriteEndObject();

        j.WriteStartArray("providers");
        foreach (var row in o.ByProvider.Rows)
        {
            j.WriteStartObject();
            j.WriteString("provider", row.Key);
            j.WriteNumber("steps", row.Usage.Steps);
            ReportJson.WriteUsd(j, "cost_usd", row.Usage.Cost);
            j.WriteNumber("unpriced_steps", row.Usage.UnpricedSteps);
            j.WriteEndObject();
        }

        j.WriteEndArray();

        j.WriteStartArray("days");
        foreach (var d in o.Days)
        {
            j.WriteStartObject();
            j.WriteString("day", d.Day);
            j.WriteNumber("steps", d.Steps);
            j.WriteNumber("input_tokens", d.InputTokens);
            j.WriteNumber("output_tokens", d.OutputTokens);
            ReportJson.WriteUsd(j, "cost_usd", d.CostUsd);
            j.WriteEndObject();
        }

        j.WriteEndArray();

        j.WriteStartArray("weekday_hour");
        foreach (var day in o.WeekdayHour)
        {
            j.WriteStartArray();
            foreach (var steps in day)
            {
                j.WriteNumberValue(steps);
            }

            j.WriteEndArray();
        }

        j.WriteEndArray();

        j.WriteStartArray("spend_by_model");
        foreach (var m in o.SpendByModel)
        {
            j.WriteStartObject();
            j.WriteString("model", m.Model);
            j.WriteNumber("steps", m.Steps);
            ReportJson.WriteUsd(j, "cached_read_usd", m.CachedReadUsd);
            ReportJson.WriteUsd(j, "fresh_input_usd", m.FreshInputUsd);
            ReportJson.WriteUsd(j, "output_usd", m.OutputUsd);
            ReportJson.WriteUsd(j, "cost_usd", m.TotalUsd);
            j.WriteNumber("unpriced_steps", m.UnpricedSteps);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartArray("unpriced_models");
        foreach (var m in o.ByModel.UnpricedModels)
        {
            j.WriteStringValue(m.Model);
        }

        j.WriteEndArray();

        j.WriteStartArray("highlights");
        foreach (var h in o.Highlights)
        {
            j.WriteStartObject();
            j.WriteString("group", h.Group);
            j.WriteString("label", h.Label);
            j.WriteString("value", h.Value);
            j.WriteString("detail", h.Detail);
            j.WriteString("session_id", h.SessionId);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    }

    public static void WriteTimeline(Utf8JsonWriter j, SessionTimeline t)
    {
        j.WriteStartObject();
        j.WriteString("session_id", t.SessionId);
        j.WriteString("provider", t.Provider);
        j.WriteString("project", t.Project);
        j.WriteString("parent_session_id", t.ParentSessionId);
        j.WriteStartArray("models");
        foreach (var m in t.Models)
        {
            j.WriteStringValue(m);
        }

        j.WriteEndArray();
        ReportJson.WriteUsd(j, "cost_usd", t.Steps.Any(s => s.Counted && s.CostUsd is not null) ? t.Steps.Where(s => s.Counted).Sum(s => s.CostUsd ?? 0m) : null);
        j.WriteStartArray("steps");
        foreach (var s in t.Steps)
        {
            j.WriteStartObject();
            j.WriteNumber("round_index", s.RoundIndex);
            j.WriteString("started_at", s.StartedAt);
            j.WriteString("model", s.Model);
            j.WriteNumber("cached_input", s.CachedInput);
            j.WriteNumber("fresh_input", s.FreshInput);
            j.WriteNumber("output", s.Output);
            Number(j, "reasoning", s.Reasoning);
            j.WriteBoolean("user_initiated", s.UserInitiated);
            j.WriteString("stop_reason", s.StopReason);
            j.WriteBoolean("counted", s.Counted);
            ReportJson.WriteUsd(j, "cost_usd", s.CostUsd);
            j.WriteStartArray("tool_calls");
            foreach (var c in s.ToolCalls)
            {
                j.WriteStartObject();
                j.WriteString("name", c.Name);
                j.WriteString("target", c.Target);
                Number(j, "output_bytes", c.OutputBytes);
                Number(j, "result_chars", c.ResultChars);
                j.WriteBoolean("truncated", c.Truncated);
                j.WriteBoolean("is_error", c.IsError);
                Number(j, "latency_ms", c.LatencyMs);
                j.WriteEndObject();
            }

            j.WriteEndArray();
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteStartArray("subagents");
        foreach (var a in t.Subagents)
        {
            j.WriteStartObject();
            j.WriteString("session_id", a.SessionId);
            j.WriteString("subagent_type", a.SubagentType);
            j.WriteNumber("steps", a.Steps);
            j.WriteEndObject();
        }

        j.WriteEndArray();
        j.WriteEndObject();
    }

    /// <summary>Amounts divided by a count run to 28 digits; 10 decimals is a ten-billionth of a dollar.</summary>
    private static decimal? Round(decimal? usd) => usd is { } v ? Math.Round(v, 10, MidpointRounding.ToEven) : null;

    /// <summary>A ratio or measure rounded by <see cref="Rounded"/>, or null.</summary>
    internal static void WriteRounded(Utf8JsonWriter j, string name, double? value)
    {
        if (value is { } v)
        {
            j.WriteNumber(name, Rounded(v));
        }
        else
        {
            j.WriteNull(name);
        }
    }

    /// <summary>Six decimals: far below what a chart shows, and stable across platforms' last bits for the goldens.</summary>
    internal static double Rounded(double value) => Math.Round(value, 6, MidpointRounding.ToEven);

    private static void Number(Utf8JsonWriter j, string name, long? value)
    {
        if (value is { } v)
        {
            j.WriteNumber(name, v);
        }
        else
        {
            j.WriteNull(name);
        }
    }
}
