using Tracelens.Ledger;
using Tracelens.Pricing;

namespace Tracelens.Reports;

/// <summary>
/// The reports over a ledger: usage and cost grouped by model, day, project… (<see cref="Usage"/>),
/// the session list (<see cref="Sessions"/>) and a side-by-side comparison of models
/// (<see cref="Compare"/>). Every report counts each API response once (<c>counted_steps</c>),
/// sums tokens exactly and prices them with <paramref name="prices"/>; definitions and JSON
/// shapes are in <c>Reports/README.md</c>.
/// </summary>
public sealed class UsageReports(LedgerDatabase ledger, PriceBook prices)
{
    public UsageReport Usage(ReportFilter filter, UsageGrouping groupBy)
    {
        var query = new StepAggregation(ledger, filter);
        var rowGroups = groupBy switch
        {
            UsageGrouping.Model => query.ByKey("s.model"),
            UsageGrouping.Provider => query.ByKey("s.provider"),
            UsageGrouping.Project => query.ByKey(StepAggregation.ProjectSql),
            UsageGrouping.Day or UsageGrouping.Week or UsageGrouping.Month => ByTime(query, filter, groupBy),
            UsageGrouping.Session => query.ByKey(StepAggregation.RootSessionSql, withTimes: true),
            UsageGrouping.Tool => query.ByKey(StepAggregation.ToolSql, StepAggregation.ToolJoin),
            UsageGrouping.Subagent => query.ByKey(StepAggregation.SubagentSql),
            _ => throw new ArgumentOutOfRangeException(nameof(groupBy), groupBy, null),
        };

        // Tool rows overlap (a step is in the row of each tool it called), so the total is counted apart.
        var totalGroups = groupBy == UsageGrouping.Tool ? query.ByKey("NULL") : rowGroups;
        var sessions = groupBy switch
        {
            UsageGrouping.Project => query.SessionsPerKey(StepAggregation.ProjectSql),
            UsageGrouping.Session => query.SessionsPerKey(StepAggregation.RootSessionSql),
            UsageGrouping.Subagent => query.SessionsPerKey(StepAggregation.SubagentSql),
            _ => null,
        };

        var rows = new List<UsageRow>();
        foreach (var row in rowGroups.GroupBy(g => g.Key ?? string.Empty, StringComparer.Ordinal))
        {
            var facts = sessions?.GetValueOrDefault(row.Key);
            var priced = Price(row);
            rows.Add(new UsageRow
            {
                Key = row.Key.Length > 0 ? row.Key : UnknownKey(groupBy),
                Usage = priced.Total,
                ByModel = priced.ByModel,
                Sessions = facts?.Sessions,
                Project = groupBy == UsageGrouping.Session ? facts?.Project : null,
            });
        }

        var total = Price(totalGroups);
        var stops = new StopReasonCounts();
        foreach (var g in totalGroups)
        {
            stops.Add(g.StopReason, g.Steps);
        }

        return new UsageReport
        {
            GroupBy = groupBy,
            Filter = filter,
            Rows = Sorted(rows, IsTime(groupBy)),
            Total = total.Total,
            ByModel = total.ByModel,
            StopReasons = stops.ToList(),
        };
    }

    /// <summary>
    /// Sessions (each with the subagent sessions it spawned rolled in) whose id, project or a model
    /// contains <paramref name="grep"/> (case-insensitive), latest activity first (or by
    /// <paramref name="order"/>), at most <paramref name="limit"/>.
    /// </summary>
    public SessionList Sessions(ReportFilter filter, string? grep, int limit, SessionOrder order = SessionOrder.Recent)
    {
        var report = Usage(filter, UsageGrouping.Session);
        var matching = report.Rows
            .Where(r => grep is null || r.Key.Contains(grep, StringComparison.OrdinalIgnoreCase)
                        || (r.Project?.Contains(grep, StringComparison.OrdinalIgnoreCase) ?? false)
                        || r.Usage.Models.Any(m => m.Contains(grep, StringComparison.OrdinalIgnoreCase)))
            .Select(r => new SessionSummary(r.Key, r.Project, Math.Max(0, (r.Sessions ?? 1) - 1), r.Usage))
            .ToList();
        matching = order switch
        {
            SessionOrder.Cost => [.. matching.OrderByDescending(s => s.Usage.Cost ?? -1m).ThenBy(s => s.SessionId, StringComparer.Ordinal)],
            SessionOrder.Steps => [.. matching.OrderByDescending(s => s.Usage.Steps).ThenBy(s => s.SessionId, StringComparer.Ordinal)],
            SessionOrder.Duration => [.. matching.OrderByDescending(s => s.Duration ?? TimeSpan.MinValue).ThenBy(s => s.SessionId, StringComparer.Ordinal)],
            _ => [.. matching.OrderByDescending(s => s.Usage.LastStartedAt, StringComparer.Ordinal).ThenBy(s => s.SessionId, StringComparer.Ordinal)],
        };
        return new SessionList(matching.Take(Math.Max(0, limit)).ToList(), matching.Count);
    }

    /// <summary>
    /// The named models side by side. A name also covers recorded names that differ from it only by
    /// a provider path, a date suffix or <c>-latest</c> (<see cref="ModelMatch"/>).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer than two distinct model names.</exception>
    public ModelComparison Compare(ReportFilter filter, IReadOnlyList<string> models)
    {
        var names = models.Select(m => m.Trim()).Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (names.Count < 2)
        {
            throw new ArgumentException("compare needs at least two different model names", nameof(models));
        }

        var query = new StepAggregation(ledger, filter with { Model = null });
        var groups = query.ByKey("NULL");
        var sessionsByModel = query.SessionsByModel();
        var toolCalls = query.ToolCallsByModel();
        var stats = new List<ModelStats>();
        foreach (var name in names)
        {
            var matched = groups.Where(g => ModelMatch.Matches(g.Model, name)).ToList();
            var recorded = matched.Select(g => g.ModelName).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            var stops = new StopReasonCounts();
            foreach (var g in matched)
            {
                stops.Add(g.StopReason, g.Steps);
            }

            stats.Add(new ModelStats
            {
                Model = name,
                RecordedNames = recorded,
                Usage = Price(matched).Total,
                Sessions = recorded.SelectMany(m => sessionsByModel.GetValueOrDefault(m) ?? []).Distinct(StringComparer.Ordinal).LongCount(),
                ToolCalls = recorded.Sum(m => toolCalls.GetValueOrDefault(m)?.Calls ?? 0),
                ToolErrors = recorded.Sum(m => toolCalls.GetValueOrDefault(m)?.Errors ?? 0),
                StopReasons = stops.ToList(),
            });
        }

        return new ModelComparison(filter, stats);
    }

    private static List<StepGroup> ByTime(StepAggregation query, ReportFilter filter, UsageGrouping period)
    {
        // The per-period range seeks read only steps_usage; with a session or project filter the
        // steps are few (or need the table anyway), and an SQL day key over them is as fast.
        if (filter.Session is null && filter.Project is null)
        {
            return query.ByPeriod(period);
        }

        if (query.StartedRange() is not { } range)
        {
            return query.ByKey($"'{StepAggregation.NoTime}'", extraWhere: "s.started_at IS NULL");
        }

        var key = period switch
        {
            UsageGrouping.Day => LocalTimeSql.Day(filter.TimeZone, range.First, range.Last),
            UsageGrouping.Week => LocalTimeSql.Week(filter.TimeZone, range.First, range.Last),
            _ => LocalTimeSql.Month(filter.TimeZone, range.First, range.Last),
        };
        return query.ByKey($"coalesce({key}, '{StepAggregation.NoTime}')");
    }

    /// <summary>Prices each group once and adds it to the total and to its model's usage.</summary>
    private PricedTotal Price(IEnumerable<StepGroup> groups)
    {
        var total = new PricedUsage();
        var byModel = new Dictionary<string, PricedUsage>(StringComparer.Ordinal);
        foreach (var g in groups)
        {
            var cost = g.Price(prices);
            total.Add(g, cost);
            if (!byModel.TryGetValue(g.ModelName, out var model))
            {
                byModel[g.ModelName] = model = new PricedUsage();
            }

            model.Add(g, cost);
        }

        return new PricedTotal(total, [.. byModel.Keys.Order(StringComparer.Ordinal).Select(m => new ModelUsage(m, byModel[m]))]);
    }

    private sealed record PricedTotal(PricedUsage Total, IReadOnlyList<ModelUsage> ByModel);

    private static bool IsTime(UsageGrouping g) => g is UsageGrouping.Day or UsageGrouping.Week or UsageGrouping.Month;

    private static string UnknownKey(UsageGrouping g) => g switch
    {
        UsageGrouping.Model => StepGroup.UnknownModel,
        UsageGrouping.Project => "(no project)",
        _ => StepAggregation.NoTime,
    };

    /// <summary>
    /// Time rows in time order (<c>(no time)</c> last); other rows by cost, highest first, unpriced
    /// ones after the priced, ties by tokens, then key. (List.Sort with a comparison: LINQ's sorters
    /// over bool and decimal keys would be jitted on every run.)
    /// </summary>
    private static List<UsageRow> Sorted(List<UsageRow> rows, bool byTime)
    {
        rows.Sort(byTime ? ByTime : ByCost);
        return rows;
    }

    private static int ByTime(UsageRow a, UsageRow b) =>
        (a.Key == StepAggregation.NoTime) != (b.Key == StepAggregation.NoTime)
            ? (a.Key == StepAggregation.NoTime ? 1 : -1)
            : string.CompareOrdinal(a.Key, b.Key);

    private static int ByCost(UsageRow a, UsageRow b)
    {
        if ((a.Usage.Cost is null) != (b.Usage.Cost is null))
        {
            return a.Usage.Cost is null ? 1 : -1;
        }

        var cost = decimal.Compare(b.Usage.Cost ?? 0m, a.Usage.Cost ?? 0m);
        var tokens = b.Usage.Tokens.Total.CompareTo(a.Usage.Tokens.Total);
        return cost != 0 ? cost : tokens != 0 ? tokens : string.CompareOrdinal(a.Key, b.Key);
    }
}
