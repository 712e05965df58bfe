using System.Text.Json;
using Tracelens.Analysis.Statistics;
using Tracelens.Ledger;
using Tracelens.Reports;

namespace Tracelens.Dashboard;

/// <summary>
/// The Distributions page's queries (TraceLab spec §10.2 "Distributions", metrics of §7): every
/// statistic is exact over the filtered counted steps (<c>counted_steps</c>) and their tool calls,
/// with the filters every other report uses (the model filter is matched per step, as there).
/// Definitions: <c>src/Tracelens.Web/README.md</c>.
/// </summary>
public sealed class DistributionQueries(LedgerDatabase ledger)
{
    /// <summary>Lower edges of the cache-hit bands <c>&lt;50%</c>, <c>50–70%</c>, <c>70–85%</c>, <c>85–95%</c>, <c>95–100%</c> (spec §10.2).</summary>
    public static readonly IReadOnlyList<double> CacheHitBands = [0, 0.50, 0.70, 0.85, 0.95];

    /// <summary>The band labels, in the order of <see cref="CacheHitBands"/>.</summary>
    public static readonly IReadOnlyList<string> CacheHitBandLabels = ["<50%", "50–70%", "70–85%", "85–95%", "95–100%"];

    /// <summary>
    /// Tool categories in the order they are tried; the first whose substring is in the lowercased
    /// name wins. Planning goes first so TodoWrite is not a file write, Shell before File edit so
    /// write_stdin is not one either.
    /// </summary>
    public static readonly IReadOnlyList<(string Category, string[] Substrings)> ToolCategories =
    [
        ("Planning", ["todo", "plan", "goal", "structuredoutput", "taskupdate"]),
        ("Shell", ["bash", "shell", "exec", "write_stdin", "send_input", "terminal"]),
        ("File edit", ["edit", "write", "patch"]),
        ("File read", ["read", "grep", "glob", "view", "list_dir", "directory"]),
        ("Agent", ["agent", "task"]),
        ("Web", ["web", "fetch", "search", "http", "browser", "url"]),
    ];

    /// <summary>The categories in the order the spec lists them (§10.2), which is the chart's order.</summary>
    public static readonly IReadOnlyList<string> CategoryOrder = ["Planning", "File read", "File edit", "Shell", "Web", "Agent", "Other"];

    /// <summary>The category a tool name falls in (TraceLab spec §10.2's substring categories; names that match none are Other).</summary>
    public static string CategoryOf(string toolName)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        var name = toolName.Trim().ToLowerInvariant();

        // "LS" is a file listing, but "ls" as a substring is in too many unrelated names (tools, calls).
        if (name == "ls")
        {
            return "File read";
        }

        foreach (var (category, substrings) in ToolCategories)
        {
            if (substrings.Any(s => name.Contains(s, StringComparison.Ordinal)))
            {
                return category;
            }
        }

        return "Other";
    }

    /// <summary>All eight distributions for the filtered ledger.</summary>
    public DashboardDistributions Distributions(ReportFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);

        // Tool calls are read on a second connection (a SQLite connection serves one thread)
        // while this one walks the steps: two cores, about half the wait.
        var second = Task.Run(() =>
        {
            using var other = LedgerDatabase.Open(ledger.Path);
            return new DistributionQueries(other).ToolCalls(filter);
        });
        var steps = Steps(filter);
        var calls = second.GetAwaiter().GetResult();

        return new DashboardDistributions
        {
            Filter = filter,
            ToolLatency = ByProvider(calls, c => c.Provider, group =>
                SampledCdf(group.Key, group.Select(c => c.LatencyMs), logSpaced: true)),
            ToolLatencyByCategory = LatencyBoxes(calls),
            ToolCallCounts = CallCounts(calls),
            PrefixAppend = ByProvider(steps, s => s.Provider, group => Scatter(group.Key, group)),
            OutputTokens = OutputPolygon(steps),
            GenerationTime = ByProvider(steps, s => s.Provider, group =>
                SampledCdf(group.Key, group.Select(s => s.GenerationSeconds), logSpaced: false)),
            CacheHitRatio = ByProvider(steps, s => s.Provider, group => Bands(group.Key, group)),
            HumanInputWait = ByProvider(steps, s => s.Provider, group =>
                SampledCdf(group.Key, group.SelectMany(s => s.HumanWaitsSeconds).Select(w => (double?)w), logSpaced: true)),
        };
    }

    /// <summary>One counted step as the distributions need it; waits are already carried across its session's earlier steps.</summary>
    private sealed record StepRow(string Provider, long Prefix, long Append, long Output, double? GenerationSeconds, IReadOnlyList<double> HumanWaitsSeconds);

    /// <summary>One tool call of a counted step: its name and effective latency (ms; null when missing).</summary>
    private sealed record CallRow(string Provider, string Tool, double? LatencyMs, bool IsError);

    private static List<TResult> ByProvider<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, string> provider, Func<IGrouping<string, TItem>, TResult> select) =>
        [.. items.GroupBy(provider, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(select)];

    private List<StepRow> Steps(ReportFilter filter)
    {
        using var command = ledger.Connection.CreateCommand();
        var where = new StepAggregation(ledger, filter).FilterClause(command);

        // Session then round order: the order human waits are carried in and the scatter's stride walks.
        command.CommandText = $"""
            SELECT s.session_id, s.provider, s.model, s.prefix_tokens, s.newly_append_tokens, s.output_tokens, s.timing_events_json
            FROM counted_steps s WHERE {where}
            ORDER BY s.session_id, s.round_index
            """;
        var rows = new List<StepRow>();
        var lastEventBySession = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            if (filter.Model is { } wanted && !ModelMatch.Matches(r.IsDBNull(2) ? null : r.GetString(2), wanted))
            {
                continue;
            }

            var session = r.GetString(0);
            var events = r.IsDBNull(6) ? [] : TimedEvents(r.GetString(6));
            rows.Add(new StepRow(r.GetString(1), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), GenerationSeconds(events), HumanWaits(session, events, lastEventBySession)));
        }

        return rows;
    }

    private List<CallRow> ToolCalls(ReportFilter filter)
    {
        using var command = ledger.Connection.CreateCommand();
        var where = new StepAggregation(ledger, filter).FilterClause(command);
        command.CommandText = $"""
            SELECT s.provider, s.model, t.tool_name, coalesce(t.tool_internal_latency_ms, t.tool_wall_latency_ms), t.is_error
            FROM tool_calls t JOIN counted_steps s ON s.id = t.step_id
            WHERE {where}
            ORDER BY t.step_id, t.tool_index
            """;
        var rows = new List<CallRow>();
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            if (filter.Model is { } wanted && !ModelMatch.Matches(r.IsDBNull(1) ? null : r.GetString(1), wanted))
            {
                continue;
            }

            var name = r.IsDBNull(2) ? string.Empty : r.GetString(2).Trim();
            rows.Add(new CallRow(r.GetString(0), name.Length == 0 ? "<unknown-tool>" : name, r.IsDBNull(3) ? null : r.GetDouble(3), !r.IsDBNull(4) && r.GetInt64(4) == 1));
        }

        return rows;
    }

    private enum EventKind
    {
        Input,
        Output,
        Other,
    }

    /// <summary>The step's events with a readable timestamp, in stored order (unreadable or missing timestamps are ignored, spec §7).</summary>
    private static List<(EventKind Kind, bool IsUserMessage, DateTimeOffset At)> TimedEvents(string json)
    {
        var events = new List<(EventKind, bool, DateTimeOffset)>();
        using var document = JsonDocument.Parse(json);
        foreach (var e in document.RootElement.EnumerateArray())
        {
            if (!e.TryGetProperty("timestamp", out var ts) || ts.ValueKind != JsonValueKind.String || ReportTime.ParseStored(ts.GetString()) is not { } at)
            {
                continue;
            }

            var type = e.TryGetProperty("event_type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            var kind = type switch
            {
                "user_message" or "tool_result" => EventKind.Input,
                "reasoning" or "text" or "tool_call" => EventKind.Output,
                _ => EventKind.Other,
            };
            events.Add((kind, type == "user_message", at));
        }

        return events;
    }

    /// <summary>
    /// Observable generation time (spec §7): latest input at or before the first model output →
    /// last model output, in seconds; null without inputs or outputs, or when not &gt; 0.
    /// </summary>
    private static double? GenerationSeconds(List<(EventKind Kind, bool IsUserMessage, DateTimeOffset At)> events)
    {
        var outputs = events.Where(e => e.Kind == EventKind.Output).Select(e => e.At).ToList();
        if (outputs.Count == 0)
        {
            return null;
        }

        var firstOutput = outputs.Min();
        var candidates = events.Where(e => e.Kind == EventKind.Input && e.At <= firstOutput).Select(e => e.At).ToList();
        if (candidates.Count == 0)
        {
            return null;
        }

        var span = (outputs.Max() - candidates.Max()).TotalSeconds;
        return span > 0 ? span : null;
    }

    /// <summary>
    /// Human input waits (spec §7, current provider-agnostic definition): in time order, each user
    /// message waits from the previous event of any type in its session, carried across steps.
    /// Every such wait is returned, ≤ 0 included; only those &gt; 0 enter the distribution.
    /// </summary>
    private static List<double> HumanWaits(string session, List<(EventKind Kind, bool IsUserMessage, DateTimeOffset At)> events, Dictionary<string, DateTimeOffset> lastEventBySession)
    {
        var waits = new List<double>();
        DateTimeOffset? previous = lastEventBySession.TryGetValue(session, out var carried) ? carried : null;

        // OrderBy is stable, as the definition asks for events with the same timestamp.
        foreach (var e in events.OrderBy(e => e.At))
        {
            // Waits ≤ 0 are kept here so the CDF can count them as excluded (it keeps only > 0).
            if (e.IsUserMessage && previous is { } before)
            {
                waits.Add((e.At - before).TotalSeconds);
            }

            previous = e.At;
        }

        if (events.Count > 0)
        {
            lastEventBySession[session] = events.Max(e => e.At);
        }

        return waits;
    }

    /// <summary>
    /// The CDF of the values &gt; 0 sampled at <see cref="DashboardDistributions.CdfPoints"/> values
    /// from the minimum to the maximum (geometric or even spacing): each y is the exact share of
    /// values ≤ x, so it never decreases and the last is 1. One value gives one point.
    /// </summary>
    private static ProviderCdf SampledCdf(string provider, IEnumerable<double?> values, bool logSpaced)
    {
        var all = values.ToList();
        var sorted = Percentiles.Sorted(all.Where(v => v is > 0).Select(v => v!.Value));
        var excluded = all.Count - sorted.Length;
        if (sorted.Length == 0)
        {
            return new ProviderCdf(provider, 0, excluded, null, null, []);
        }

        var (min, max) = (sorted[0], sorted[^1]);
        var xs = min == max ? [max] : logSpaced ? GeometricSpace(min, max, DashboardDistributions.CdfPoints) : Histogram.Linspace(min, max, DashboardDistributions.CdfPoints);
        var points = new List<CdfSample>(xs.Length);
        var atOrBelow = 0;
        foreach (var x in xs)
        {
            while (atOrBelow < sorted.Length && sorted[atOrBelow] <= x)
            {
                atOrBelow++;
            }

            points.Add(new CdfSample(x, (double)atOrBelow / sorted.Length));
        }

        return new ProviderCdf(provider, sorted.Length, excluded, Percentiles.NumpyLinear(sorted, 50), Percentiles.NumpyLinear(sorted, 90), points);
    }

    /// <summary><c>numpy.geomspace(start, stop, count)</c>: evenly spaced in log, the ends exact.</summary>
    private static double[] GeometricSpace(double start, double stop, int count)
    {
        var logs = Histogram.Linspace(Math.Log10(start), Math.Log10(stop), count);
        var values = logs.Select(l => Math.Pow(10, l)).ToArray();
        (values[0], values[^1]) = (start, stop);
        return values;
    }

    private static List<LatencyBox> LatencyBoxes(List<CallRow> calls)
    {
        var byCategory = calls.Where(c => c.LatencyMs is > 0).GroupBy(c => CategoryOf(c.Tool), StringComparer.Ordinal).ToDictionary(g => g.Key, g => Percentiles.Sorted(g.Select(c => c.LatencyMs!.Value)), StringComparer.Ordinal);
        var boxes = new List<LatencyBox>();
        foreach (var category in CategoryOrder)
        {
            if (byCategory.TryGetValue(category, out var sorted))
            {
                double P(double percent) => Percentiles.NumpyLinear(sorted, percent)!.Value;
                boxes.Add(new LatencyBox(category, sorted.Length, P(5), P(25), P(50), P(75), P(95)));
            }
        }

        return boxes;
    }

    private static ToolCallCounts CallCounts(List<CallRow> calls)
    {
        var byTool = calls.GroupBy(c => c.Tool, StringComparer.Ordinal)
            .Select(g => new ToolCallCount(g.Key, g.LongCount(), g.LongCount(c => c.IsError)))
            .OrderByDescending(t => t.Calls).ThenBy(t => t.Tool, StringComparer.Ordinal)
            .ToList();
        return new ToolCallCounts(calls.Count, byTool.Count, [.. byTool.Take(DashboardDistributions.TopTools)]);
    }

    /// <summary>⌈n/700⌉ (at least 1): keeping every such step from the first leaves at most 700 of n points.</summary>
    public static int ScatterStride(int eligible) =>
        Math.Max(1, (eligible + DashboardDistributions.ScatterTarget - 1) / DashboardDistributions.ScatterTarget);

    private static ProviderScatter Scatter(string provider, IEnumerable<StepRow> steps)
    {
        var eligible = steps.Where(s => s.Prefix > 0 && s.Append > 0).ToList();
        var stride = ScatterStride(eligible.Count);
        var points = eligible.Where((_, i) => i % stride == 0).Select(s => (s.Prefix, s.Append)).ToList();
        return new ProviderScatter(provider, eligible.Count, stride, points);
    }

    /// <summary>
    /// 14 log bins between the p1 and p99 of every provider's output tokens (steps with output &gt; 0,
    /// merged), each provider counted over the same edges; none when p1 = p99.
    /// </summary>
    private static OutputTokenPolygon OutputPolygon(List<StepRow> steps)
    {
        var merged = Percentiles.Sorted(steps.Where(s => s.Output > 0).Select(s => (double)s.Output));
        var p1 = Percentiles.NumpyLinear(merged, 1);
        var p99 = Percentiles.NumpyLinear(merged, 99);
        var edges = p1 is { } lo && p99 is { } hi && hi > lo ? GeometricSpace(lo, hi, DashboardDistributions.OutputBins + 1) : [];
        var providers = ByProvider(steps.Where(s => s.Output > 0), s => s.Provider, group =>
        {
            var values = group.Select(s => (double)s.Output).ToList();
            var counts = edges.Length == 0 ? [] : Histogram.Of(values, edges).Select(b => b.Count).ToList();
            return new ProviderCounts(group.Key, values.Count, counts);
        });
        return new OutputTokenPolygon(p1, p99, edges, providers);
    }

    private static ProviderCounts Bands(string provider, IEnumerable<StepRow> steps)
    {
        var counts = new long[CacheHitBands.Count];
        long eligible = 0;
        foreach (var s in steps)
        {
            var total = s.Prefix + s.Append;
            if (total <= 0)
            {
                continue;
            }

            eligible++;
            var ratio = (double)s.Prefix / total;
            var band = CacheHitBands.Count - 1;
            while (band > 0 && ratio < CacheHitBands[band])
            {
                band--;
            }

            counts[band]++;
        }

        return new ProviderCounts(provider, eligible, counts);
    }

}
