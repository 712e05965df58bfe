using System.Globalization;
using Tracelens.Ledger;
using Tracelens.Model;
using Tracelens.Pricing;
using Tracelens.Readers;
using Tracelens.Reports;

namespace Tracelens.Hotspots;

/// <summary>
/// Hotspots over a ledger (burn-spec §4.4): walks each session's counted steps in order and charges
/// every step's new input and cache reads to the tool calls whose results it carried, then rolls the
/// calls up. Definitions in <c>Hotspots/README.md</c>.
/// </summary>
/// <param name="home">The home whose <c>.claude/settings.json</c> sets the Bash output cap.</param>
public sealed class HotspotAnalysis(LedgerDatabase ledger, PriceBook prices, string home)
{
    private readonly ShellOutputCap _caps = new(home);

    public ShellOutputCap Caps => _caps;

    /// <param name="withInputs">Also load the input JSON of errored and editing calls (findings compare them).</param>
    public HotspotReport Attribute(ReportFilter filter, HotspotRank rankBy = HotspotRank.Cost, bool withInputs = false)
    {
        var steps = Load(filter, withInputs);
        var unpricedModels = new SortedSet<string>(StringComparer.Ordinal);
        long unpricedSteps = 0;
        var ranges = new List<(int Start, int End)>();
        for (var start = 0; start < steps.Count;)
        {
            var end = start;
            while (end < steps.Count && steps[end].SessionId == steps[start].SessionId)
            {
                end++;
            }

            ranges.Add((start, end));
            for (var i = start; i < end; i++)
            {
                if (steps[i].Cost is null)
                {
                    unpricedSteps++;
                    unpricedModels.Add(steps[i].Model ?? StepGroup.UnknownModel);
                }
            }

            start = end;
        }

        // Each session's walk touches only its own calls, and each rollup only reads them: on a large
        // history both run on every core (whole-history hotspots on 100k steps: 1,016 → 884 ms).
        var parallel = steps.Count >= ParallelFromSteps;
        var sessions = new SessionAttribution[ranges.Count];
        For(ranges.Count, parallel, i => sessions[i] = Walk(steps, ranges[i].Start, ranges[i].End));

        var calls = steps.SelectMany(s => s.Calls).ToList();
        var dimensions = new[] { HotspotDimension.File, HotspotDimension.Bash, HotspotDimension.BashVerb, HotspotDimension.Subagent, HotspotDimension.Mcp };
        var rollups = new List<HotspotRow>[dimensions.Length];
        For(dimensions.Length, parallel, i => rollups[i] = Rollup(calls, dimensions[i], rankBy));

        return new HotspotReport
        {
            Filter = filter,
            RankBy = rankBy,
            Steps = steps.Count,
            UnpricedSteps = unpricedSteps,
            UnpricedModels = [.. unpricedModels],
            Sessions = sessions,
            Calls = calls,
            Files = rollups[0],
            Bash = rollups[1],
            BashVerbs = rollups[2],
            Subagents = rollups[3],
            McpServers = rollups[4],
            ShellOutputCap = _caps.User() ?? new CapSetting(ShellOutputCap.DefaultChars, null),
        };
    }

    /// <summary>From this many steps, the walks and rollups run in parallel (below, starting the threads costs more than it saves).</summary>
    internal int ParallelFromSteps { get; init; } = 10_000;

    /// <summary>Runs <paramref name="body"/> for 0 … <paramref name="count"/> − 1, on every core or in order.</summary>
    private static void For(int count, bool parallel, Action<int> body)
    {
        if (parallel)
        {
            Parallel.For(0, count, body);
            return;
        }

        for (var i = 0; i < count; i++)
        {
            body(i);
        }
    }

    /// <summary>The attribution walk of one session (steps <paramref name="start"/> to <paramref name="end"/>, in order).</summary>
    private static SessionAttribution Walk(List<WalkStep> steps, int start, int end)
    {
        bool sized = false, anyCalls = false;
        for (var i = start; i < end && !sized; i++)
        {
            sized = steps[i].Calls.Exists(c => c.SizeTokens > 0);
            anyCalls |= steps[i].Calls.Count > 0;
        }

        var pending = new List<AttributedCall>();
        var persistence = sized ? new Persistence(steps, start, end) : null;
        decimal grand = 0, attributed = 0;
        long unpriced = 0, unpricedTokens = 0;
        for (var i = start; i < end; i++)
        {
            var step = steps[i];
            var usage = step.Usage;
            grand += step.Cost?.Total ?? 0m;
            if (step.Cost is null)
            {
                unpriced++;
                unpricedTokens += TotalTokens(usage);
            }
            if (pending.Count > 0)
            {
                // Initial cost: the results of the previous step's calls arrive as this step's new
                // input (fresh or written to the cache), priced at this step's blended rate.
                var newContent = usage.FreshInput + usage.CacheWrite5m + usage.CacheWrite1h;
                var newCost = step.Cost is { } c ? c.Input + c.CacheWrite5m + c.CacheWrite1h : 0m;
                long sizes = 0;
                foreach (var call in pending)
                {
                    sizes += call.SizeTokens;
                }

                foreach (var call in pending)
                {
                    var tokens = sized
                        ? (sizes > 0 && newContent > 0 ? call.SizeTokens * (decimal)Math.Min(sizes, newContent) / sizes : 0m)
                        : (decimal)newContent / pending.Count;
                    call.InitialTokens += tokens;
                    if (newContent > 0)
                    {
                        call.Cost += newCost * tokens / newContent;
                    }

                    call.PartlyUnpriced |= step.Cost is null && tokens > 0;
                }
            }

            if (sized && usage.CacheRead > 0)
            {
                persistence!.Charge(usage.CacheRead, step.Cost?.CacheRead, step.Cost is null);
            }

            if (sized)
            {
                foreach (var call in pending)
                {
                    persistence!.Ride(call);
                }
            }

            pending.Clear();
            pending.AddRange(step.Calls);
        }

        persistence?.Settle();

        for (var i = start; i < end; i++)
        {
            foreach (var call in steps[i].Calls)
            {
                attributed += call.Cost;
            }
        }

        var method = sized ? AttributionMethod.Sized : anyCalls ? AttributionMethod.EvenSplit : AttributionMethod.NoToolCalls;
        return new SessionAttribution(steps[start].SessionId, method,
            end - start, unpriced, unpricedTokens, grand, attributed);
    }

    /// <summary>
    /// Persistence charges without visiting every riding call at every step (sessions of thousands
    /// of steps and calls made that quadratic). A step with cache read R charges the riding calls of
    /// size 1..R, each <c>size × f</c> tokens with f = min(R, their size sum) / their size sum, and
    /// those calls are a prefix of the session's calls sorted by size. So each step adds f (and its
    /// cost per token, and one riding turn) to that prefix in Fenwick trees over the size ranks, and
    /// a call's charge is what accumulated at its rank between joining and the end.
    /// </summary>
    private sealed class Persistence
    {
        private readonly Dictionary<AttributedCall, int> _rank = new(ReferenceEqualityComparer.Instance);
        private readonly long[] _sortedSizes;
        private readonly int _zeroSized;
        private readonly Fenwick _tokens, _cost, _turns, _unpriced, _ridingSizes;
        private readonly List<Joined> _joined = [];

        public Persistence(List<WalkStep> steps, int start, int end)
        {
            var calls = new List<AttributedCall>();
            for (var i = start; i < end; i++)
            {
                calls.AddRange(steps[i].Calls);
            }

            calls.Sort((a, b) => a.SizeTokens.CompareTo(b.SizeTokens));
            _sortedSizes = new long[calls.Count];
            for (var r = 0; r < calls.Count; r++)
            {
                _rank[calls[r]] = r;
                _sortedSizes[r] = calls[r].SizeTokens;
                _zeroSized += calls[r].SizeTokens == 0 ? 1 : 0;
            }

            _tokens = new Fenwick(calls.Count);
            _cost = new Fenwick(calls.Count);
            _turns = new Fenwick(calls.Count);
            _unpriced = new Fenwick(calls.Count);
            _ridingSizes = new Fenwick(calls.Count);
        }

        /// <summary>A call whose result was paid for now stays in the context.</summary>
        public void Ride(AttributedCall call)
        {
            var r = _rank[call];
            if (call.SizeTokens == 0)
            {
                return; // never counted as cached
            }

            _ridingSizes.Add(r, call.SizeTokens);
            _joined.Add(new Joined(call, r, _tokens.At(r), _cost.At(r), _turns.At(r), _unpriced.At(r)));
        }

        /// <summary>A step read <paramref name="cacheRead"/> tokens from the cache at <paramref name="readCost"/> (null: unpriced).</summary>
        public void Charge(long cacheRead, decimal? readCost, bool unpriced)
        {
            var upTo = UpperBound(cacheRead);
            var sizes = _ridingSizes.Prefix(upTo);
            if (sizes <= 0)
            {
                return;
            }

            var share = Math.Min(cacheRead, sizes) / sizes;
            _tokens.AddRange(_zeroSized, upTo, share);
            _cost.AddRange(_zeroSized, upTo, share * (readCost ?? 0m) / cacheRead);
            _turns.AddRange(_zeroSized, upTo, 1m);
            if (unpriced)
            {
                _unpriced.AddRange(_zeroSized, upTo, 1m);
            }
        }

        /// <summary>Writes each riding call's persistence tokens, cost and riding turns.</summary>
        public void Settle()
        {
            foreach (var j in _joined)
            {
                var size = j.Call.SizeTokens;
                j.Call.PersistenceTokens = size * (_tokens.At(j.Rank) - j.Tokens);
                j.Call.Cost += size * (_cost.At(j.Rank) - j.Cost);
                j.Call.RidingTurns = (int)(_turns.At(j.Rank) - j.Turns);
                j.Call.PartlyUnpriced |= _unpriced.At(j.Rank) - j.Unpriced > 0;
            }
        }

        /// <summary>How many calls have a size of at most <paramref name="tokens"/>.</summary>
        private int UpperBound(long tokens)
        {
            int lo = 0, hi = _sortedSizes.Length;
            while (lo < hi)
            {
                var mid = (lo + hi) >>> 1;
                if (_sortedSizes[mid] <= tokens)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return lo;
        }

        private sealed record Joined(AttributedCall Call, int Rank, decimal Tokens, decimal Cost, decimal Turns, decimal Unpriced);
    }

    /// <summary>A Fenwick tree of decimals: point add and prefix sum, or (over differences) range add and point value.</summary>
    private sealed class Fenwick(int size)
    {
        private readonly decimal[] _tree = new decimal[size + 1];

        public void Add(int index, decimal value)
        {
            for (var i = index + 1; i < _tree.Length; i += i & -i)
            {
                _tree[i] += value;
            }
        }

        /// <summary>The sum of the first <paramref name="count"/> entries.</summary>
        public decimal Prefix(int count)
        {
            decimal sum = 0;
            for (var i = count; i > 0; i -= i & -i)
            {
                sum += _tree[i];
            }

            return sum;
        }

        /// <summary>Adds <paramref name="value"/> to entries <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), read back with <see cref="At"/>.</summary>
        public void AddRange(int from, int to, decimal value)
        {
            if (from >= to)
            {
                return;
            }

            Add(from, value);
            if (to < _tree.Length - 1)
            {
                Add(to, -value);
            }
        }

        /// <summary>The value at <paramref name="index"/> after range adds.</summary>
        public decimal At(int index) => Prefix(index + 1);
    }

    /// <summary>Every token of a step: input, output, cache reads and writes, and reasoning billed apart from output (OpenCode).</summary>
    public static long TotalTokens(TokenUsage u) =>
        u.FreshInput + u.Output + u.CacheRead + u.CacheWrite5m + u.CacheWrite1h + (u.ReasoningIncludedInOutput ? 0 : u.Reasoning);

    /// <summary>The row a call belongs to in a rollup, or null when it is not in that rollup.</summary>
    public static string? KeyOf(AttributedCall c, HotspotDimension dimension) => dimension switch
    {
        HotspotDimension.File => ToolTargets.IsFileTool(c.CanonicalName) && !string.IsNullOrEmpty(c.Target) ? c.Target : null,
        HotspotDimension.Bash => ToolTargets.IsShell(c.CanonicalName) ? c.Target ?? NoCommand : null,
        HotspotDimension.BashVerb => ToolTargets.IsShell(c.CanonicalName) ? c.ShellVerb ?? "(unknown)" : null,
        // Codex's agent-messaging tools fold onto Task but spawn nothing.
        HotspotDimension.Subagent => c.CanonicalName is "Agent" or "Task" && c.ToolName is not ("send_input" or "wait_agent" or "close_agent" or "resume_agent")
            ? c.SubagentType ?? "(unknown)"
            : null,
        _ => McpServer(c.ToolName),
    };

    /// <summary>The server of an MCP tool name <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>, else null.</summary>
    public static string? McpServer(string? toolName)
    {
        if (toolName is null || !toolName.StartsWith("mcp__", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = toolName[5..];
        var cut = rest.IndexOf("__", StringComparison.Ordinal);
        return cut > 0 ? rest[..cut] : rest.Length > 0 ? rest : null;
    }

    private static List<HotspotRow> Rollup(List<AttributedCall> calls, HotspotDimension dimension, HotspotRank rankBy)
    {
        var rows = new Dictionary<string, HotspotRow>(StringComparer.Ordinal);
        var members = new Dictionary<string, List<AttributedCall>>(StringComparer.Ordinal);
        foreach (var call in calls)
        {
            if (KeyOf(call, dimension) is not { } key)
            {
                continue;
            }

            if (!rows.TryGetValue(key, out var row))
            {
                rows[key] = row = new HotspotRow { Key = key, FirstStartedAt = call.StartedAt, FirstRoundIndex = call.RoundIndex };
                members[key] = [];
            }

            members[key].Add(call);
            row.Calls++;
            row.InitialTokens += call.InitialTokens;
            row.PersistenceTokens += call.PersistenceTokens;
            row.RidingTurns += call.RidingTurns;
            row.Cost += call.Cost;
            row.PartlyUnpriced |= call.PartlyUnpriced;
            row.OutputBytes += call.OutputBytes ?? 0;
            row.MaxOutputBytes = Math.Max(row.MaxOutputBytes, call.OutputBytes ?? 0);
            row.TruncatedCount += call.Truncated ? 1 : 0;
            if (call.StartedAt is { } at && (row.FirstStartedAt is null || string.CompareOrdinal(at, row.FirstStartedAt) < 0))
            {
                row.FirstStartedAt = at;
                row.FirstRoundIndex = call.RoundIndex;
            }
        }

        foreach (var (key, row) in rows)
        {
            var mine = members[key];
            if (dimension == HotspotDimension.Mcp)
            {
                row.Examples = [.. mine.GroupBy(c => c.ToolName!, StringComparer.Ordinal)
                    .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(3).Select(g => g.Key)];
            }
            else if (dimension == HotspotDimension.BashVerb)
            {
                var commands = mine.GroupBy(c => c.Target ?? NoCommand, StringComparer.Ordinal)
                    .Select(g => new CommandCost(g.Key, g.Sum(c => c.Cost))).ToList();
                row.DistinctCommands = commands.Count;
                row.Examples = [.. commands.OrderByDescending(c => c.Cost).ThenBy(c => c.Command, StringComparer.Ordinal).Take(3).Select(c => c.Command)];
            }
        }

        var list = rows.Values.ToList();
        list.Sort(rankBy == HotspotRank.Bytes ? ByBytes : ByCost);
        return list;
    }

    private const string NoCommand = "(no command)";

    private sealed record CommandCost(string Command, decimal Cost);

    private static int ByCost(HotspotRow a, HotspotRow b)
    {
        var cost = decimal.Compare(b.Cost, a.Cost);
        var bytes = b.OutputBytes.CompareTo(a.OutputBytes);
        return cost != 0 ? cost : bytes != 0 ? bytes : string.CompareOrdinal(a.Key, b.Key);
    }

    private static int ByBytes(HotspotRow a, HotspotRow b)
    {
        var bytes = b.OutputBytes.CompareTo(a.OutputBytes);
        var cost = decimal.Compare(b.Cost, a.Cost);
        return bytes != 0 ? bytes : cost != 0 ? cost : string.CompareOrdinal(a.Key, b.Key);
    }

    /// <summary>Tool names whose input JSON findings read: edits (edit-revert) besides errored calls (retry loops).</summary>
    private const string EditNames = "'Edit', 'Write', 'MultiEdit', 'NotebookEdit', 'edit', 'write'";

    /// <summary>
    /// The filtered counted steps in session order (<c>round_index</c>), each with its priced cost
    /// and its tool calls: one streaming query through <c>steps_by_session</c>, read through the C
    /// API (a whole history is ~100k steps and ~160k calls; Microsoft.Data.Sqlite's per-column
    /// handle checks and a string per row per column were most of the time).
    /// </summary>
    private List<WalkStep> Load(ReportFilter filter, bool withInputs)
    {
        using var command = ledger.Connection.CreateCommand();
        var aggregation = new StepAggregation(ledger, filter);
        var where = aggregation.FilterClause(command);
        var input = withInputs ? $"CASE WHEN t.is_error = 1 OR t.tool_name IN ({EditNames}) THEN t.input_json END" : "NULL";
        using var query = new SqliteStatement(ledger.Connection, $"""
            SELECT s.id, s.session_id, s.round_index, s.model, s.provider, s.started_at, s.cwd,
                   {StepAggregation.FreshInput}, s.output_tokens, s.prefix_tokens, s.cache_creation_5m_tokens, s.cache_creation_1h_tokens,
                   coalesce(s.reasoning_output_tokens, 0),
                   t.tool_index, t.tool_name, t.result_chars, t.output_bytes, t.output_truncated, t.is_error,
                   t.target, t.shell_verb, t.subagent_type, {input}
            FROM {aggregation.CountedSteps} LEFT JOIN tool_calls t ON t.step_id = s.id
            WHERE {where}
            ORDER BY s.session_id, s.round_index, s.id, t.tool_index
            """);
        query.BindParameters(command.Parameters);
        var h = query.Handle;
        var strings = new Utf8Strings();
        var steps = new List<WalkStep>();
        var modelMatches = new Dictionary<string, string>(StringComparer.Ordinal);
        WalkStep? step = null;
        var skipping = false;
        long? previousId = null;
        while (query.Step())
        {
            var id = SqliteNative.sqlite3_column_int64(h, 0);
            if (id != previousId)
            {
                previousId = id;
                var model = strings.Get(h, 3);
                skipping = filter.Model is { } wanted && !Matches(modelMatches, model, wanted);
                if (skipping)
                {
                    continue;
                }

                var providerName = strings.Get(h, 4)!;
                if (!Providers.TryParse(providerName, out var provider))
                {
                    throw new LedgerException($"{ledger.Path}: a step has the unknown provider '{providerName}'");
                }

                long Tokens(int column) => SqliteNative.sqlite3_column_int64(h, column);
                var usage = new TokenUsage(Tokens(7), Tokens(8), Tokens(9), Tokens(10), Tokens(11), Tokens(12),
                    ReasoningIncludedInOutput: provider != Provider.OpenCode);
                step = new WalkStep(id, strings.Get(h, 1)!, SqliteNative.sqlite3_column_int64(h, 2), model, provider, strings.Get(h, 5), strings.Get(h, 6), usage,
                    prices.Cost(model, usage));
                steps.Add(step);
            }

            if (skipping || SqliteNative.sqlite3_column_type(h, 13) == SqliteNative.Null)
            {
                continue; // a step the model filter leaves out, or one without tool calls
            }

            step!.Calls.Add(Call(h, strings, step));
        }

        return steps;
    }

    private AttributedCall Call(IntPtr h, Utf8Strings strings, WalkStep step)
    {
        var name = strings.Get(h, 14);
        var canonical = ToolTargets.CanonicalName(name);
        var chars = SqliteNative.Int64OrNull(h, 15);
        var bytes = SqliteNative.Int64OrNull(h, 16);
        var marked = SqliteNative.Int64OrNull(h, 17) is { } m && m != 0;
        // Claude Code cuts a Bash result at its configured length without saying so (README, "Truncation").
        var atCap = step.Provider == Provider.Claude && ToolTargets.IsShell(canonical) && chars is { } n && n >= _caps.For(step.Cwd).Chars;
        var sizeBasis = bytes ?? chars ?? 0;
        return new AttributedCall
        {
            SessionId = step.SessionId,
            Provider = step.Provider,
            StepId = step.Id,
            RoundIndex = step.RoundIndex,
            StartedAt = step.StartedAt,
            Model = step.Model,
            Cwd = step.Cwd,
            StepCost = step.Cost?.Total,
            StepTokens = TotalTokens(step.Usage),
            ToolName = name,
            CanonicalName = canonical,
            ResultChars = chars,
            OutputBytes = bytes,
            Truncated = marked || atCap,
            IsError = SqliteNative.Int64OrNull(h, 18) is { } error ? error != 0 : null,
            Target = strings.Get(h, 19),
            ShellVerb = strings.Get(h, 20),
            SubagentType = strings.Get(h, 21),
            InputJson = SqliteNative.sqlite3_column_type(h, 22) == SqliteNative.Null ? null : SqliteNative.Blob(h, 22).ToArray(),
            SizeTokens = (sizeBasis + 3) / 4,
        };
    }

    private static bool Matches(Dictionary<string, string> known, string? model, string wanted)
    {
        var name = model ?? string.Empty;
        if (!known.TryGetValue(name, out var verdict))
        {
            known[name] = verdict = ModelMatch.Matches(model, wanted) ? "y" : "n";
        }

        return verdict == "y";
    }

    /// <summary>A counted step as the walk needs it: order, usage, cost (null: unpriced) and its calls.</summary>
    private sealed class WalkStep(long id, string sessionId, long roundIndex, string? model, Provider provider, string? startedAt, string? cwd,
        TokenUsage usage, CostBreakdown? cost)
    {
        public long Id => id;
        public string SessionId => sessionId;
        public long RoundIndex => roundIndex;
        public string? Model => model;
        public Provider Provider => provider;
        public string? StartedAt => startedAt;
        public string? Cwd => cwd;
        public TokenUsage Usage => usage;
        public CostBreakdown? Cost => cost;
        public List<AttributedCall> Calls { get; } = [];
    }
}
