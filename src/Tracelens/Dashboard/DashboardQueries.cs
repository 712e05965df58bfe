using System.Globalization;
using Microsoft.Data.Sqlite;
using Tracelens.Ledger;
using Tracelens.Model;
using Tracelens.Pricing;
using Tracelens.Reports;

namespace Tracelens.Dashboard;

/// <summary>
/// The dashboard's queries over a ledger. Totals come from <see cref="UsageReports"/> (the queries
/// behind <c>tracelens summary</c>), so a tile never disagrees with the CLI; what the reports do
/// not hold (local hours, per-step maxima, one session's steps) is read here with the same filter.
/// </summary>
public sealed class DashboardQueries(LedgerDatabase ledger, PriceBook prices)
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Sessions are split into stretches of work at gaps longer than this (TraceLab's rule).</summary>
    private static readonly TimeSpan SessionGap = TimeSpan.FromMinutes(30);

    private readonly UsageReports _reports = new(ledger, prices);
    private readonly Dictionary<string, ModelResolution?> _resolved = new(StringComparer.Ordinal);

    /// <summary>The Overview page: KPIs, provider split, activity calendar and rhythm, spend by model, highlights.</summary>
    public DashboardOverview Overview(ReportFilter filter)
    {
        // The per-step pass and the tool totals run on a second connection (a SQLite connection
        // serves one thread) while this one runs the usage reports: two cores, about half the wait.
        var second = Task.Run(() =>
        {
            using var other = LedgerDatabase.Open(ledger.Path);
            var queries = new DashboardQueries(other, prices);
            return (Pass: queries.StepPass(filter), Tools: queries.ToolUse(filter));
        });
        var byModel = _reports.Usage(filter, UsageGrouping.Model);
        var byProvider = _reports.Usage(filter, UsageGrouping.Provider);
        var bySession = _reports.Usage(filter, UsageGrouping.Session);
        var byDay = _reports.Usage(filter, UsageGrouping.Day);
        var days = byDay.Rows
            .Where(r => r.Key != "(no time)" && r.Usage.Steps > 0)
            .Select(r => new DayActivity(r.Key, r.Usage.Steps, InputOf(r.Usage.Tokens), r.Usage.Tokens.BilledOutput, r.Usage.Cost))
            .ToList();
        var (pass, toolUse) = second.GetAwaiter().GetResult();
        var total = byModel.Total;
        var tokens = total.Tokens;
        var spanDays = days.Count == 0 ? 0 : DateOnly.ParseExact(days[^1].Day, "yyyy-MM-dd", Inv).DayNumber - DateOnly.ParseExact(days[0].Day, "yyyy-MM-dd", Inv).DayNumber + 1;
        var kpis = new OverviewKpis(
            Sessions: bySession.Rows.Count,
            ActiveDays: days.Count,
            SpanDays: spanDays,
            Steps: total.Steps,
            Users: Math.Max(1, pass.Users.Count),
            TotalCostUsd: total.Cost,
            CostPerActiveDayUsd: total.Cost is { } cost && days.Count > 0 ? cost / days.Count : null,
            CacheSavedUsd: byModel.Rows.Sum(r => CacheSaved(r.Key, r.Usage.Tokens.CacheRead)),
            TotalInput: InputOf(tokens),
            CachedInput: tokens.CacheRead,
            UncachedInput: tokens.Input + tokens.CacheWrite,
            Output: tokens.BilledOutput,
            UnpricedSteps: total.UnpricedSteps);
        var spend = byModel.Rows.Select(r =>
        {
            var c = r.Usage.PricedCost;
            return new ModelSpend(r.Key, r.Usage.Steps, c.CacheRead, c.Input + c.CacheWrite5m + c.CacheWrite1h, c.Output + c.Reasoning, r.Usage.Cost, r.Usage.UnpricedSteps);
        }).ToList();
        return new DashboardOverview
        {
            Filter = filter,
            ByModel = byModel,
            ByProvider = byProvider,
            Kpis = kpis,
            Days = days,
            WeekdayHour = pass.WeekdayHour,
            SpendByModel = spend,
            Highlights = Highlights(bySession, days, pass, toolUse, kpis),
        };
    }

    /// <summary>Every prompt token: fresh input, cache reads and cache writes (TraceLab's input_tokens_total).</summary>
    private static long InputOf(TokenCounts t) => t.Input + t.CacheRead + t.CacheWrite;

    /// <summary>What the cache reads would have cost at the fresh-input rate, minus what they cost (base rates).</summary>
    private decimal CacheSaved(string model, long cacheRead) =>
        Resolve(model) is { } r ? cacheRead * (r.Price.Rates.Input - r.Price.Rates.CacheRead) / 1_000_000m : 0m;

    private ModelResolution? Resolve(string? model)
    {
        var key = model ?? string.Empty;
        if (!_resolved.TryGetValue(key, out var resolution))
        {
            _resolved[key] = resolution = model is null ? null : prices.Resolve(model);
        }

        return resolution;
    }

    /// <summary>What one pass over the filtered counted steps finds (in session order).</summary>
    private sealed class StepFacts
    {
        public long[][] WeekdayHour { get; } = [.. Enumerable.Range(0, 7).Select(_ => new long[24])];
        public HashSet<string> Users { get; } = new(StringComparer.Ordinal);
        public (decimal Usd, string Session, long Round)? CostliestStep { get; set; }
        public (long Tokens, string Session, long Round)? ContextPeak { get; set; }
        public (long Tokens, string Session, long Round)? BiggestOutput { get; set; }
        public (long Tokens, string Session, long Round)? DeepestThink { get; set; }
        public (long Steps, string Session)? LongestUnattended { get; set; }
        public (TimeSpan Span, string Session)? LongestStretch { get; set; }
    }

    private StepFacts StepPass(ReportFilter filter)
    {
        var facts = new StepFacts();
        using var command = ledger.Connection.CreateCommand();
        var where = new StepAggregation(ledger, filter).FilterClause(command);
        command.CommandText = $"""
            SELECT s.session_id, s.round_index, s.started_at, s.model, s.provider, {StepAggregation.FreshInput}, s.output_tokens,
                   s.prefix_tokens, s.cache_creation_5m_tokens, s.cache_creation_1h_tokens, s.reasoning_output_tokens,
                   s.input_tokens_total, s.first_input_event_type, s.user_name
            FROM counted_steps s WHERE {where}
            ORDER BY s.session_id, s.round_index
            """;
        using var r = command.ExecuteReader();
        string? session = null;
        long run = 0;
        DateTimeOffset? stretchStart = null, previous = null;
        while (r.Read())
        {
            var model = r.IsDBNull(3) ? null : r.GetString(3);
            if (filter.Model is { } wanted && !ModelMatch.Matches(model, wanted))
            {
                continue;
            }

            var id = r.GetString(0);
            var round = r.GetInt64(1);
            if (id != session)
            {
                session = id;
                run = 0;
                stretchStart = previous = null;
            }

            var started = ReportTime.ParseStored(r.IsDBNull(2) ? null : r.GetString(2));
            if (started is { } at)
            {
                var local = TimeZoneInfo.ConvertTime(at, filter.TimeZone);
                facts.WeekdayHour[((int)local.DayOfWeek + 6) % 7][local.Hour]++;
                if (previous is not { } prev || at - prev > SessionGap)
                {
                    stretchStart = at;
                }

                previous = at;
                var span = at - stretchStart!.Value;
                if (facts.LongestStretch is not { } longest || span > longest.Span)
                {
                    facts.LongestStretch = (span, id);
                }
            }

            if (!r.IsDBNull(13))
            {
                facts.Users.Add(r.GetString(13));
            }

            var provider = Providers.TryParse(r.GetString(4), out var p) ? p : Provider.Claude;
            var reasoning = r.IsDBNull(10) ? 0 : r.GetInt64(10);
            var usage = new TokenUsage(r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), reasoning, provider != Provider.OpenCode);
            if (Resolve(model) is { } resolution)
            {
                var usd = PriceBook.Price(resolution.Price, usage).Total;
                if (facts.CostliestStep is not { } top || usd > top.Usd)
                {
                    facts.CostliestStep = (usd, id, round);
                }
            }

            var context = r.GetInt64(11);
            if (facts.ContextPeak is not { } peak || context > peak.Tokens)
            {
                facts.ContextPeak = (context, id, round);
            }

            if (facts.BiggestOutput is not { } output || usage.Output > output.Tokens)
            {
                facts.BiggestOutput = (usage.Output, id, round);
            }

            if (reasoning > 0 && (facts.DeepestThink is not { } think || reasoning > think.Tokens))
            {
                facts.DeepestThink = (reasoning, id, round);
            }

            // An unattended run: consecutive steps that a tool result, not the user, started.
            run = !r.IsDBNull(12) && r.GetString(12) == "user_message" ? 0 : run + 1;
            if (run > 0 && (facts.LongestUnattended is not { } longestRun || run > longestRun.Steps))
            {
                facts.LongestUnattended = (run, id);
            }
        }

        return facts;
    }

    /// <summary>Tool calls and errors per tool name over the filtered counted steps.</summary>
    private List<(string Tool, long Calls, long Errors)> ToolUse(ReportFilter filter)
    {
        using var command = ledger.Connection.CreateCommand();
        var where = new StepAggregation(ledger, filter).FilterClause(command);
        command.CommandText = $"""
            SELECT coalesce(t.tool_name, '(unnamed)'), s.model, count(*), coalesce(sum(t.is_error = 1), 0)
            FROM tool_calls t JOIN counted_steps s ON s.id = t.step_id
            WHERE {where} GROUP BY 1, 2
            """;
        var byTool = new Dictionary<string, (long Calls, long Errors)>(StringComparer.Ordinal);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            if (filter.Model is { } wanted && !ModelMatch.Matches(r.IsDBNull(1) ? null : r.GetString(1), wanted))
            {
                continue;
            }

            var name = r.GetString(0);
            var (calls, errors) = byTool.GetValueOrDefault(name);
            byTool[name] = (calls + r.GetInt64(2), errors + r.GetInt64(3));
        }

        return [.. byTool.Select(kv => (kv.Key, kv.Value.Calls, kv.Value.Errors)).OrderBy(t => t.Key, StringComparer.Ordinal)];
    }

    private static List<Highlight> Highlights(UsageReport bySession, List<DayActivity> days, StepFacts facts,
        List<(string Tool, long Calls, long Errors)> tools, OverviewKpis kpis)
    {
        var list = new List<Highlight>();
        void Add(string group, string label, string value, string? detail, string? session) => list.Add(new Highlight(group, label, value, detail, session));

        // Time & cadence
        if (facts.LongestStretch is { } stretch && stretch.Span > TimeSpan.Zero)
        {
            Add("Time & cadence", "Longest continuous session", Duration(stretch.Span), "no gap over 30 min between steps", stretch.Session);
        }

        if (facts.LongestUnattended is { } unattended)
        {
            Add("Time & cadence", "Longest unattended run", Count(unattended.Steps, "step"), "tool-driven steps in a row", unattended.Session);
        }

        if (days.Count > 0)
        {
            var busiest = days.OrderByDescending(d => d.Steps).ThenBy(d => d.Day, StringComparer.Ordinal).First();
            Add("Time & cadence", "Busiest day", busiest.Day, Count(busiest.Steps, "step"), null);
            var (streak, streakEnd) = LongestStreak(days);
            if (streak >= 2)
            {
                Add("Time & cadence", "Longest daily streak", Count(streak, "day"), "ending " + streakEnd, null);
            }
        }

        var hours = Enumerable.Range(0, 24).Select(h => (Hour: h, Steps: facts.WeekdayHour.Sum(d => d[h]))).ToList();
        if (hours.Any(h => h.Steps > 0))
        {
            var peak = hours.OrderByDescending(h => h.Steps).ThenBy(h => h.Hour).First();
            Add("Time & cadence", "Peak hour", string.Create(Inv, $"{peak.Hour:00}:00–{peak.Hour:00}:59"), Count(peak.Steps, "step"), null);
        }

        // Cost
        var priced = bySession.Rows.Where(r => r.Usage.Cost is not null).ToList();
        if (priced.Count > 0)
        {
            var top = priced.OrderByDescending(r => r.Usage.Cost).ThenBy(r => r.Key, StringComparer.Ordinal).First();
            Add("Cost", "Most expensive session", Usd(top.Usage.Cost!.Value), Count(top.Usage.Steps, "step"), top.Key);
        }

        if (facts.CostliestStep is { } step)
        {
            Add("Cost", "Most expensive step", Usd(step.Usd), "step " + step.Round.ToString(Inv), step.Session);
        }

        if (kpis.CacheSavedUsd > 0)
        {
            Add("Cost", "Saved by prefix cache", Usd(kpis.CacheSavedUsd), "vs. billing cached input as fresh", null);
        }

        // Conversations
        if (bySession.Rows.Count > 0)
        {
            var longest = bySession.Rows.OrderByDescending(r => r.Usage.Steps).ThenBy(r => r.Key, StringComparer.Ordinal).First();
            Add("Conversations", "Longest conversation", Count(longest.Usage.Steps, "step"), null, longest.Key);
        }

        if (facts.ContextPeak is { } context && context.Tokens > 0)
        {
            Add("Conversations", "Context peak", Count(context.Tokens, "token"), "step " + context.Round.ToString(Inv), context.Session);
        }

        if (facts.BiggestOutput is { } output && output.Tokens > 0)
        {
            Add("Conversations", "Biggest single output", Count(output.Tokens, "token"), "step " + output.Round.ToString(Inv), output.Session);
        }

        if (facts.DeepestThink is { } think)
        {
            Add("Conversations", "Deepest single think", Count(think.Tokens, "reasoning token"), "step " + think.Round.ToString(Inv), think.Session);
        }

        // Tools
        if (tools.Count > 0)
        {
            var used = tools.OrderByDescending(t => t.Calls).ThenBy(t => t.Tool, StringComparer.Ordinal).First();
            Add("Tools", "Most-used tool", used.Tool, Count(used.Calls, "call"), null);
            var failing = tools.Where(t => t.Errors > 0).OrderByDescending(t => t.Errors).ThenBy(t => t.Tool, StringComparer.Ordinal).FirstOrDefault();
            if (failing.Tool is not null)
            {
                Add("Tools", "Most error-prone tool", failing.Tool, string.Create(Inv, $"{failing.Errors:N0} of {failing.Calls:N0} calls failed"), null);
            }
        }

        return list;
    }

    private static (long Days, string End) LongestStreak(List<DayActivity> days)
    {
        long best = 0, current = 0;
        var bestEnd = string.Empty;
        DateOnly? previous = null;
        foreach (var day in days)
        {
            var date = DateOnly.ParseExact(day.Day, "yyyy-MM-dd", Inv);
            current = previous is { } p && date.DayNumber == p.DayNumber + 1 ? current + 1 : 1;
            previous = date;
            if (current > best)
            {
                best = current;
                bestEnd = day.Day;
            }
        }

        return (best, bestEnd);
    }

    private static string Count(long n, string noun) => string.Create(Inv, $"{n:N0} {noun}{(n == 1 ? string.Empty : "s")}");

    private static string Usd(decimal usd) => "$" + usd.ToString(Math.Abs(usd) < 1m ? "0.000" : "#,##0.00", Inv);

    private static string Duration(TimeSpan span) => span.TotalHours >= 1
        ? string.Create(Inv, $"{(int)span.TotalHours}h {span.Minutes:00}m")
        : string.Create(Inv, $"{span.Minutes}m {span.Seconds:00}s");

    /// <summary>
    /// One session's steps in round order (with or without its provider prefix), each with its
    /// tool calls; null when the ledger has no such session.
    /// </summary>
    public SessionTimeline? Timeline(string sessionId)
    {
        using var find = ledger.Connection.CreateCommand();
        find.CommandText = """
            SELECT x.session_id, x.provider,
                   coalesce((SELECT s.cwd FROM steps s WHERE s.session_id = x.session_id AND s.cwd IS NOT NULL LIMIT 1), x.project),
                   x.parent_session_id
            FROM sessions x
            WHERE x.session_id = $id OR substr(x.session_id, instr(x.session_id, ':') + 1) = $id
            ORDER BY x.session_id = $id DESC, x.session_id LIMIT 1
            """;
        find.Parameters.AddWithValue("$id", sessionId);
        string id, provider;
        string? project, parent;
        using (var r = find.ExecuteReader())
        {
            if (!r.Read())
            {
                return null;
            }

            (id, provider, project, parent) = (r.GetString(0), r.GetString(1), Text(r, 2), Text(r, 3));
        }

        var calls = new Dictionary<long, List<TimelineToolCall>>();
        using (var command = ledger.Connection.CreateCommand())
        {
            command.CommandText = """
                SELECT t.step_id, t.tool_name, t.target, t.output_bytes, t.result_chars, t.output_truncated, t.is_error, t.tool_wall_latency_ms
                FROM tool_calls t JOIN steps s ON s.id = t.step_id
                WHERE s.session_id = $id ORDER BY t.step_id, t.tool_index
                """;
            command.Parameters.AddWithValue("$id", id);
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                var step = r.GetInt64(0);
                if (!calls.TryGetValue(step, out var list))
                {
                    calls[step] = list = [];
                }

                list.Add(new TimelineToolCall(Text(r, 1), Text(r, 2), Long(r, 3), Long(r, 4), Long(r, 5) == 1, Long(r, 6) == 1, Long(r, 7)));
            }
        }

        var steps = new List<TimelineStep>();
        var models = new SortedSet<string>(StringComparer.Ordinal);
        using (var command = ledger.Connection.CreateCommand())
        {
            command.CommandText = $"""
                SELECT s.id, s.round_index, s.started_at, s.model, s.provider, {StepAggregation.FreshInput}, s.output_tokens, s.prefix_tokens,
                       s.cache_creation_5m_tokens, s.cache_creation_1h_tokens, s.reasoning_output_tokens, s.first_input_event_type, s.stop_reason,
                       s.duplicate_of IS NULL
                FROM steps s WHERE s.session_id = $id ORDER BY s.round_index
                """;
            command.Parameters.AddWithValue("$id", id);
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                var model = Text(r, 3);
                if (model is not null)
                {
                    models.Add(model);
                }

                var opencode = r.GetString(4) == Provider.OpenCode.WireName();
                var usage = new TokenUsage(r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9), Long(r, 10) ?? 0, !opencode);
                var cost = Resolve(model) is { } resolution ? PriceBook.Price(resolution.Price, usage).Total : (decimal?)null;
                steps.Add(new TimelineStep(
                    RoundIndex: r.GetInt64(1),
                    StartedAt: Text(r, 2),
                    Model: model,
                    CachedInput: usage.CacheRead,
                    FreshInput: usage.FreshInput + usage.CacheWrite5m + usage.CacheWrite1h,
                    Output: usage.Output + (opencode ? usage.Reasoning : 0),
                    Reasoning: Long(r, 10),
                    UserInitiated: Text(r, 11) == "user_message",
                    StopReason: Text(r, 12),
                    Counted: r.GetInt64(13) == 1,
                    CostUsd: cost,
                    ToolCalls: calls.GetValueOrDefault(r.GetInt64(0)) ?? []));
            }
        }

        var subagents = new List<SubagentRun>();
        using (var command = ledger.Connection.CreateCommand())
        {
            command.CommandText = "SELECT session_id, subagent_type, steps FROM sessions WHERE parent_session_id = $id ORDER BY first_started_at, session_id";
            command.Parameters.AddWithValue("$id", id);
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                subagents.Add(new SubagentRun(r.GetString(0), Text(r, 1), r.GetInt64(2)));
            }
        }

        return new SessionTimeline(id, provider, project, parent, [.. models], steps, subagents);
    }

    private static string? Text(SqliteDataReader r, int column) => r.IsDBNull(column) ? null : Convert.ToString(r.GetValue(column), Inv);

    private static long? Long(SqliteDataReader r, int column) => r.IsDBNull(column) ? null : r.GetInt64(column);
}
