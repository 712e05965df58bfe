using System.Globalization;
using Microsoft.Data.Sqlite;
using Tracelens.Ledger;
using Tracelens.Model;
using Tracelens.Pricing;

namespace Tracelens.Reports;

/// <summary>
/// The aggregate queries every usage report is built from. They read counted steps only (a
/// replayed API response once: the <c>counted_steps</c> view), filter in SQL, and sum tokens with
/// exact integers per (report key, model, provider, stop reason); no step is materialized, and each
/// group is priced once (<see cref="StepGroup.Price"/>).
/// </summary>
/// <remarks>
/// Speed comes from the <c>steps_usage</c> index (migration 0003), which holds every column summed
/// here: grouping by model, provider and stop reason streams through it without a sort, and
/// per-period totals are range seeks in it (<see cref="ByPeriod"/>). Long-context tiers price a
/// request by its own size, not linearly; only steps with more than 200,000 tokens can reach one,
/// so those few are read one by one through the partial index <c>steps_above_tier</c> and attached
/// to their groups (<see cref="StepGroup.LargeRequests"/>), instead of evaluating tier arithmetic
/// for every step.
/// </remarks>
internal sealed class StepAggregation(LedgerDatabase ledger, ReportFilter filter)
{
    /// <summary>Fresh input exactly as <see cref="AgentStep.FreshInputTokens"/> computes it.</summary>
    internal const string FreshInput =
        "coalesce(s.claude_uncached_input_tokens, max(s.newly_append_tokens - s.cache_creation_5m_tokens - s.cache_creation_1h_tokens, 0))";

    private const string Reasoning = "coalesce(s.reasoning_output_tokens, 0)";

    /// <summary>Token sums of a group, in <see cref="ReadTokens"/> order.</summary>
    private const string TokenSums =
        $"sum({FreshInput}), sum(s.output_tokens), sum(s.prefix_tokens), sum(s.cache_creation_5m_tokens), sum(s.cache_creation_1h_tokens), sum({Reasoning})";

    /// <summary>
    /// The steps a long-context tier can apply to: more than 200,000 tokens of some type, or of input
    /// in all (every tier threshold is at least that). Word for word the WHERE clause of the partial
    /// index <c>steps_above_tier</c>, so SQLite reads them through it.
    /// </summary>
    private const string AboveTier =
        "(s.input_tokens_total > 200000 OR s.prefix_tokens > 200000 OR s.newly_append_tokens > 200000 " +
        "OR s.claude_uncached_input_tokens > 200000 OR s.cache_creation_5m_tokens > 200000 OR s.cache_creation_1h_tokens > 200000 " +
        "OR s.output_tokens > 200000 OR s.reasoning_output_tokens > 200000)";

    /// <summary>How a step's working directory or project name reads in reports (Codex records only the directory).</summary>
    public const string ProjectSql = "coalesce(s.cwd, s.project)";

    /// <summary>A session and the subagent sessions it spawned report under the spawning session.</summary>
    public const string RootSessionSql = "coalesce(s.parent_session_id, s.session_id)";

    /// <summary>Steps of a subagent transcript by its type; the main conversation and untyped agents apart.</summary>
    public const string SubagentSql =
        "CASE WHEN s.subagent_type IS NOT NULL THEN s.subagent_type " +
        "WHEN s.agent_id IS NOT NULL OR s.parent_session_id IS NOT NULL THEN '(untyped subagent)' " +
        "WHEN s.is_sidechain THEN '(sidechain)' ELSE '(main)' END";

    public const string NoToolCalls = "(no tool calls)";

    /// <summary>Each tool a step called, with how many times; a step that called none joins once, with no tool.</summary>
    public const string ToolJoin =
        "LEFT JOIN (SELECT step_id, coalesce(tool_name, '(unnamed)') AS tool_name, count(*) AS calls FROM tool_calls GROUP BY step_id, 2) t ON t.step_id = s.id";

    public const string ToolSql = "coalesce(t.tool_name, '" + NoToolCalls + "')";

    /// <summary>The key of steps that have no start time in a time grouping.</summary>
    public const string NoTime = "(no time)";

    // Reference types only in generic collections here: instantiations over value types are not
    // precompiled (ReadyToRun) and would be jitted on every run of a command that lasts milliseconds.
    private readonly HashSet<string> _modelsWanted = new(StringComparer.Ordinal);
    private readonly HashSet<string> _modelsNotWanted = new(StringComparer.Ordinal);

    /// <summary>
    /// Groups keyed by <paramref name="keySql"/> (an SQL expression over the counted step <c>s</c>
    /// and the join). Keyed by <c>s.model</c>, <c>s.provider</c> or a constant, it streams through
    /// <c>steps_usage</c>; other keys sort.
    /// </summary>
    /// <param name="join">Extra join (<see cref="ToolJoin"/>), whose <c>t.calls</c> fills <see cref="StepGroup.ToolCalls"/>.</param>
    /// <param name="withTimes">Also fetch each group's first and last start (costs a comparison per step).</param>
    /// <param name="extraWhere">An extra SQL condition on <c>s</c>.</param>
    public List<StepGroup> ByKey(string keySql, string? join = null, bool withTimes = false, string? extraWhere = null)
    {
        using var command = ledger.Connection.CreateCommand();
        var where = Where(command, extraWhere);
        // A key that is one of the index's leading columns (or a constant) must not be repeated in
        // GROUP BY: SQLite would sort instead of streaming through steps_usage.
        var inIndexOrder = keySql is "s.model" or "s.provider" || keySql.StartsWith('\'') || keySql == "NULL";
        command.CommandText = $"""
            SELECT {keySql}, s.model, s.provider, s.stop_reason, count(*), {TokenSums},
                   {(withTimes ? "min(s.started_at), max(s.started_at)" : "NULL, NULL")}, {(join is null ? "0" : "coalesce(sum(t.calls), 0)")}
            FROM {CountedSteps} {join}
            WHERE {where}
            GROUP BY s.model, s.provider, s.stop_reason{(inIndexOrder ? string.Empty : ", 1")}
            """;
        var groups = new Dictionary<GroupKey, StepGroup>();
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                if (Read(r, Text(r, 0)) is { } group)
                {
                    var tokens = ReadTokens(r, 5, group.Provider);
                    groups[GroupKey.Of(group)] = group with
                    {
                        Steps = r.GetInt64(4),
                        Total = tokens,
                        FirstStartedAt = Text(r, 11),
                        LastStartedAt = Text(r, 12),
                        ToolCalls = r.GetInt64(13),
                    };
                }
            }
        }

        AddAboveTier(groups, $"{keySql}", join, extraWhere, keyOf: (r, _) => Text(r, 0));
        return [.. groups.Values];
    }

    /// <summary>
    /// Groups keyed by the local day, week or month each step started in, in the filter's
    /// time zone: one range seek in <c>steps_usage</c> per (model, provider, stop reason) and period,
    /// all in one statement, so nothing is sorted. Steps without a start time are keyed <see cref="NoTime"/>.
    /// </summary>
    public List<StepGroup> ByPeriod(UsageGrouping period)
    {
        var groups = new Dictionary<GroupKey, StepGroup>();
        var periods = StartedRange() is { } range ? Periods.Cover(period, range.First, range.Last, filter.TimeZone) : [];
        if (periods.Count > 0)
        {
            using var command = ledger.Connection.CreateCommand();
            var where = Where(command, extraWhere: null);
            var values = string.Join(", ", periods.Select((p, i) => string.Create(CultureInfo.InvariantCulture, $"({i}, '{p.Start}', '{p.End}')")));
            var packed = $"count(*) || ',' || {TokenSums.Replace(", sum(", " || ',' || sum(", StringComparison.Ordinal)}";
            command.CommandText = $"""
                WITH k AS (SELECT s.model, s.provider, s.stop_reason FROM {CountedSteps} WHERE {where} GROUP BY 1, 2, 3),
                     p(i, lo, hi) AS (VALUES {values})
                SELECT p.i, k.model, k.provider, k.stop_reason,
                       (SELECT {packed} FROM counted_steps s
                        WHERE s.model IS k.model AND s.provider = k.provider AND s.stop_reason IS k.stop_reason
                          AND s.started_at >= p.lo AND s.started_at < p.hi AND {where})
                FROM k CROSS JOIN p
                """;
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                if (r.IsDBNull(4) || Read(r, periods[r.GetInt32(0)].Key) is not { } group)
                {
                    continue; // no step of this model in this period
                }

                var sums = r.GetString(4).Split(',').Select(v => long.Parse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)).ToArray();
                var reasoningInOutput = group.Provider != Provider.OpenCode;
                groups[GroupKey.Of(group)] = group with
                {
                    Steps = sums[0],
                    Total = new TokenUsage(sums[1], sums[2], sums[3], sums[4], sums[5], sums[6], reasoningInOutput),
                };
            }
        }

        if (filter.Since is null && filter.Until is null && HasStepsWithoutTime())
        {
            foreach (var group in ByKey($"'{NoTime}'", extraWhere: "s.started_at IS NULL"))
            {
                groups[GroupKey.Of(group)] = group;
            }
        }

        // Steps without a time were grouped (with their large requests) by ByKey above.
        AddAboveTier(groups, "s.started_at", join: null, extraWhere: "s.started_at IS NOT NULL",
            keyOf: (r, _) => Periods.Find(periods, r.GetString(0))?.Key);
        return [.. groups.Values];
    }

    /// <summary>
    /// Per <paramref name="keySql"/>: how many distinct sessions its steps belong to, and the first
    /// project (working directory or project name) among them.
    /// </summary>
    public Dictionary<string, KeySessions> SessionsPerKey(string keySql)
    {
        using var command = ledger.Connection.CreateCommand();
        var where = Where(command, extraWhere: null);
        command.CommandText = $"SELECT {keySql}, count(DISTINCT s.session_id), min({ProjectSql}) FROM {CountedSteps} WHERE {where} GROUP BY 1;";
        var facts = new Dictionary<string, KeySessions>(StringComparer.Ordinal);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            facts[Text(r, 0) ?? string.Empty] = new KeySessions(r.GetInt64(1), Text(r, 2));
        }

        return facts;
    }

    /// <summary>Per recorded model: sessions that used it.</summary>
    public Dictionary<string, HashSet<string>> SessionsByModel()
    {
        using var command = ledger.Connection.CreateCommand();
        var where = Where(command, extraWhere: null);
        command.CommandText = $"SELECT DISTINCT s.model, s.session_id FROM {CountedSteps} WHERE {where};";
        var sessions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            var model = Text(r, 0) ?? StepGroup.UnknownModel;
            if (!sessions.TryGetValue(model, out var set))
            {
                sessions[model] = set = new HashSet<string>(StringComparer.Ordinal);
            }

            set.Add(r.GetString(1));
        }

        return sessions;
    }

    /// <summary>Per recorded model: tool calls its steps made, and how many of those ended in an error.</summary>
    public Dictionary<string, ToolCallCount> ToolCallsByModel()
    {
        using var command = ledger.Connection.CreateCommand();
        var where = Where(command, extraWhere: null);
        command.CommandText = $"""
            SELECT s.model, count(*), coalesce(sum(t.is_error = 1), 0)
            FROM tool_calls t JOIN {CountedSteps} ON s.id = t.step_id
            WHERE {where} GROUP BY 1;
            """;
        var calls = new Dictionary<string, ToolCallCount>(StringComparer.Ordinal);
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            calls[Text(r, 0) ?? StepGroup.UnknownModel] = new ToolCallCount(r.GetInt64(1), r.GetInt64(2));
        }

        return calls;
    }

    /// <summary>The first and last step start that the filter's time bounds leave, as instants (null when there is none).</summary>
    public (DateTimeOffset First, DateTimeOffset Last)? StartedRange()
    {
        using var command = ledger.Connection.CreateCommand();
        List<string> clauses = ["s.started_at IS NOT NULL"];
        TimeBounds(command, clauses);
        var where = string.Join(" AND ", clauses);

        // Two seeks in steps_by_time; duplicates may widen the span, which only adds empty periods.
        command.CommandText = $"SELECT (SELECT min(s.started_at) FROM steps s WHERE {where}), (SELECT max(s.started_at) FROM steps s WHERE {where});";
        using var r = command.ExecuteReader();
        r.Read();
        var first = ReportTime.ParseStored(Text(r, 0));
        var last = ReportTime.ParseStored(Text(r, 1));
        return first is { } f && last is { } l ? (f, l) : null;
    }

    private bool HasStepsWithoutTime() =>
        LedgerDatabase.Scalar(ledger.Connection, "SELECT 1 FROM steps WHERE started_at IS NULL LIMIT 1;") is not null;

    /// <summary>
    /// Attaches each step a long-context tier can apply to (<see cref="AboveTier"/>) to its group.
    /// The rows come through <c>steps_above_tier</c>; <paramref name="keyOf"/> gives a row's report
    /// key from column 0 (<paramref name="firstColumnSql"/>).
    /// </summary>
    private void AddAboveTier(Dictionary<GroupKey, StepGroup> groups, string firstColumnSql, string? join, string? extraWhere,
        Func<SqliteDataReader, StepGroup, string?> keyOf)
    {
        using var command = ledger.Connection.CreateCommand();
        var where = Where(command, extraWhere);
        command.CommandText = $"""
            SELECT {firstColumnSql}, s.model, s.provider, s.stop_reason,
                   {FreshInput}, s.output_tokens, s.prefix_tokens, s.cache_creation_5m_tokens, s.cache_creation_1h_tokens, {Reasoning}
            FROM {CountedSteps} {join}
            WHERE {where} AND {AboveTier}
            """;
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            if (Read(r, key: null) is not { } row)
            {
                continue;
            }

            // A step the main query did not count (its time text outside every period) has no group
            // here either, and is left out the same way.
            var key = GroupKey.Of(row with { Key = keyOf(r, row) });
            if (groups.TryGetValue(key, out var group))
            {
                (group.LargeRequests ??= []).Add(new LargeRequest(ReadTokens(r, 4, row.Provider)));
            }
        }
    }

    /// <summary>
    /// The identity columns of a result row (model in column 1, provider in 2, stop reason in 3),
    /// or null when the model filter leaves the row out.
    /// </summary>
    private StepGroup? Read(SqliteDataReader r, string? key)
    {
        var model = Text(r, 1);
        if (filter.Model is { } wanted)
        {
            // Applied to the grouped rows (a few per model), not in SQL: it compares normalized
            // names, which SQLite cannot compute.
            var name = model ?? string.Empty;
            if (!_modelsWanted.Contains(name))
            {
                if (_modelsNotWanted.Contains(name))
                {
                    return null;
                }

                if (!ModelMatch.Matches(model, wanted))
                {
                    _modelsNotWanted.Add(name);
                    return null;
                }

                _modelsWanted.Add(name);
            }
        }

        var providerName = r.GetString(2);
        if (!Providers.TryParse(providerName, out var provider))
        {
            throw new LedgerException($"{ledger.Path}: a step has the unknown provider '{providerName}'");
        }

        return new StepGroup(key, model, provider, Text(r, 3), 0, default, null, null, 0);
    }

    private static TokenUsage ReadTokens(SqliteDataReader r, int first, Provider provider) => new(
        r.GetInt64(first), r.GetInt64(first + 1), r.GetInt64(first + 2), r.GetInt64(first + 3), r.GetInt64(first + 4), r.GetInt64(first + 5),
        ReasoningIncludedInOutput: provider != Provider.OpenCode);

    private static string? Text(SqliteDataReader r, int column) =>
        r.IsDBNull(column) ? null : Convert.ToString(r.GetValue(column), CultureInfo.InvariantCulture);

    /// <summary>The filter as a WHERE clause over <c>s</c>, its values bound as parameters of <paramref name="command"/>.</summary>
    private string Where(SqliteCommand command, string? extraWhere)
    {
        var clauses = new List<string>();
        if (ThroughTimeIndex)
        {
            clauses.Add("s.duplicate_of IS NULL"); // what the counted_steps view would have applied
        }

        if (extraWhere is not null)
        {
            clauses.Add(extraWhere);
        }

        TimeBounds(command, clauses);
        if (filter.Project is { } project)
        {
            clauses.Add("(s.cwd = $project OR s.project = $project)");
            command.Parameters.AddWithValue("$project", project);
        }

        if (filter.Providers.Count > 0)
        {
            var names = filter.Providers.Distinct().Select((p, i) => (Name: $"$provider{i.ToString(CultureInfo.InvariantCulture)}", Value: p.WireName())).ToList();
            clauses.Add($"s.provider IN ({string.Join(", ", names.Select(n => n.Name))})");
            foreach (var (name, value) in names)
            {
                command.Parameters.AddWithValue(name, value);
            }
        }

        if (filter.Session is { } session)
        {
            // The session (named with or without its provider prefix) and the subagent sessions it spawned.
            clauses.Add("""
                s.session_id IN (
                    WITH root AS (SELECT session_id FROM sessions
                                  WHERE session_id = $session OR substr(session_id, instr(session_id, ':') + 1) = $session)
                    SELECT session_id FROM root
                    UNION SELECT session_id FROM sessions WHERE parent_session_id IN (SELECT session_id FROM root))
                """);
            command.Parameters.AddWithValue("$session", session);
        }

        return clauses.Count == 0 ? "1" : string.Join(" AND ", clauses);
    }

    /// <summary>
    /// The counted steps as <c>s</c> in a FROM clause. Usually the <c>counted_steps</c> view, which
    /// SQLite reads through the covering <c>steps_usage</c> index: every step, but only the bytes a
    /// report sums. A time window that covers a small part of the ledger (burn's everyday
    /// <c>--since 24h</c>) instead seeks its range in <c>steps_by_time</c> and reads only the steps
    /// inside it; SQLite's planner, without statistics, would scan the whole covering index.
    /// </summary>
    internal string CountedSteps => ThroughTimeIndex ? "steps s INDEXED BY steps_by_time" : "counted_steps s";

    /// <summary>At most this share of the ledger's time span makes a window narrow enough to seek.</summary>
    private const double NarrowWindowShare = 0.2;

    private bool? _throughTimeIndex;

    private bool ThroughTimeIndex => _throughTimeIndex ??= IsNarrowWindow();

    private bool IsNarrowWindow()
    {
        if (filter.Since is null && filter.Until is null)
        {
            return false;
        }

        // Two seeks at the ends of steps_by_time.
        using var command = ledger.Connection.CreateCommand();
        command.CommandText = "SELECT (SELECT min(started_at) FROM steps WHERE started_at IS NOT NULL), (SELECT max(started_at) FROM steps);";
        using var r = command.ExecuteReader();
        r.Read();
        if (ReportTime.ParseStored(Text(r, 0)) is not { } first || ReportTime.ParseStored(Text(r, 1)) is not { } last || last <= first)
        {
            return false;
        }

        var from = filter.Since is { } since && since > first ? since : first;
        var to = filter.Until is { } until && until < last ? until : last;
        return to <= from || (to - from).Ticks <= NarrowWindowShare * (last - first).Ticks;
    }

    /// <summary>
    /// The filter (all but the model, which compares normalized names: <see cref="ModelMatch"/>) as a
    /// WHERE clause over counted steps <c>s</c>, for reports that read steps one by one (hotspots).
    /// </summary>
    internal string FilterClause(SqliteCommand command) => Where(command, extraWhere: null);

    /// <summary>Sessions under one report key, and the first project among them.</summary>
    public sealed record KeySessions(long Sessions, string? Project);

    /// <summary>Tool calls of one model's steps, and how many ended in an error.</summary>
    public sealed record ToolCallCount(long Calls, long Errors);

    /// <summary>The filter's <c>--since</c>/<c>--until</c> as conditions on <c>s.started_at</c> (stored UTC text sorts in time order).</summary>
    private void TimeBounds(SqliteCommand command, List<string> clauses)
    {
        if (filter.Since is { } since)
        {
            clauses.Add("s.started_at >= $since");
            command.Parameters.AddWithValue("$since", ReportTime.ToStored(since));
        }

        if (filter.Until is { } until)
        {
            clauses.Add("s.started_at < $until");
            command.Parameters.AddWithValue("$until", ReportTime.ToStored(until));
        }
    }

    /// <summary>What makes two groups the same group.</summary>
    private sealed record GroupKey(string? Key, string? Model, Provider Provider, string? StopReason)
    {
        public static GroupKey Of(StepGroup g) => new(g.Key, g.Model, g.Provider, g.StopReason);
    }
}
