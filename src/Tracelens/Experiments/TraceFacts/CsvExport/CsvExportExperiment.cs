using Tracelens.Experiments.Output;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Experiments.TraceFacts.CsvExport;

/// <summary>Settings of <see cref="CsvExportExperiment"/>, TraceLab's <c>convert.py</c> flags with its defaults.</summary>
public sealed record CsvExportOptions
{
    /// <summary>Only this provider's steps; null for all.</summary>
    public Provider? Provider { get; init; }

    /// <summary>Shuffle sessions with NumPy's <c>default_rng(Seed).permutation</c> (default), or keep trace order.</summary>
    public bool ShuffleSessions { get; init; } = true;

    /// <summary>Keep at most this many sessions (after ordering); null for all.</summary>
    public int? MaxSessions { get; init; }

    /// <summary>Sum internal tool latencies instead of wall latencies.</summary>
    public bool InternalToolLatency { get; init; }

    /// <summary>Poisson session arrivals (exponential gaps from <c>default_rng(Seed + 1)</c>, default), or evenly spaced.</summary>
    public bool PoissonArrivals { get; init; } = true;

    /// <summary>Sessions per second; must be &gt; 0.</summary>
    public double ArrivalRate { get; init; } = 1.0;

    public ulong Seed { get; init; }
}

/// <summary>
/// TraceLab's simulator CSV (tracelab-spec §6.5): one line per step, grouped by session, with
/// session arrival times, so a serving simulator can replay the workload. Definitions and outputs:
/// README.md beside this file.
/// </summary>
public sealed class CsvExportExperiment(CsvExportOptions? options = null) : IExperiment
{
    public const string CsvFile = "coding_trace.csv";

    private static readonly string[] Header = ["id", "input_len", "output_len", "arrival_time", "round_idx", "tool_wait_after_ms", "prefix_len"];

    public string Id => "trace_facts/csv_export";

    public string Title => "Simulator CSV export";

    public string Question => "What request stream (per-step input, output and cached prefix lengths, tool waits, session arrivals) does the trace imply for a serving simulator?";

    public CsvExportOptions Options { get; } = options ?? new CsvExportOptions();

    public ExperimentResult Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!(Options.ArrivalRate > 0))
        {
            throw new ArgumentException("the arrival rate must be > 0", nameof(context));
        }

        // Sessions in first-appearance order; each keeps its steps with their trace position.
        var sessions = new List<List<(AgentStep Step, int Position)>>();
        var bySession = new Dictionary<string, List<(AgentStep, int)>>(StringComparer.Ordinal);
        long inputRows = 0, skippedRows = 0;
        for (var position = 0; position < context.Steps.Count; position++)
        {
            var step = context.Steps[position];
            if (Options.Provider is { } only && step.Provider != only)
            {
                continue;
            }

            inputRows++;
            if (step.SessionId.Length == 0)
            {
                skippedRows++;
                continue;
            }

            if (!bySession.TryGetValue(step.SessionId, out var steps))
            {
                bySession[step.SessionId] = steps = [];
                sessions.Add(steps);
            }

            steps.Add((step, position));
        }

        var ordered = Options.ShuffleSessions ? [.. new NumpyGenerator(Options.Seed).Permutation(sessions.Count).Select(i => sessions[i])] : sessions;
        if (Options.MaxSessions is { } max)
        {
            ordered = [.. ordered.Take(max)];
        }

        var arrivals = Arrivals(ordered.Count);
        var rows = new List<string?[]>();
        long compactionSessions = 0, latenciesUsed = 0, latenciesMissing = 0, latenciesInvalid = 0;
        double totalToolWaitMs = 0;
        for (var id = 0; id < ordered.Count; id++)
        {
            var steps = ordered[id].OrderBy(s => s.Step.RoundIndex).ThenBy(s => s.Position).Select(s => s.Step).ToList();
            var compacted = false;
            for (var round = 0; round < steps.Count; round++)
            {
                var step = steps[round];
                double toolWaitMs = 0;
                if (round < steps.Count - 1)
                {
                    foreach (var tool in step.Tools)
                    {
                        var latency = Options.InternalToolLatency ? tool.ToolInternalLatencyMs : tool.ToolWallLatencyMs;
                        if (latency is not { } ms)
                        {
                            latenciesMissing++;
                        }
                        else if (ms < 0)
                        {
                            latenciesInvalid++;
                        }
                        else
                        {
                            latenciesUsed++;
                            toolWaitMs += ms;
                        }
                    }
                }

                totalToolWaitMs += toolWaitMs;
                var input = Math.Max(step.NewlyAppendTokens, 1);
                var output = Math.Max(step.OutputTokens, 1);
                var prefix = Math.Max(step.PrefixTokens, 0);
                if (round > 0)
                {
                    var previous = steps[round - 1];
                    compacted |= prefix < Math.Max(previous.PrefixTokens, 0) + Math.Max(previous.NewlyAppendTokens, 1) + Math.Max(previous.OutputTokens, 1);
                }

                rows.Add(
                [
                    PythonCsv.Int(id), PythonCsv.Int(input), PythonCsv.Int(output), PythonFormat.Fixed(arrivals[id], 6),
                    PythonCsv.Int(round), PythonFormat.Fixed(toolWaitMs, 6), PythonCsv.Int(prefix),
                ]);
            }

            if (compacted)
            {
                compactionSessions++;
            }
        }

        context.Output.WriteCsv(CsvFile, Header, rows);
        return new ExperimentResult
        {
            Outputs = context.Output.Files,
            Filters =
            [
                Options.Provider is { } p ? $"provider = {p.WireName()}" : "every provider",
                "steps without a session_id are skipped",
                "tool_wait_after_ms sums the step's own tool latencies (missing and negative ones left out) and is 0 on a session's last step",
            ],
            Counts =
            [
                new("input_rows", inputRows), new("skipped_rows", skippedRows), new("sessions_seen", sessions.Count), new("sessions_emitted", ordered.Count),
                new("rounds_emitted", rows.Count), new("compaction_sessions", compactionSessions), new("tool_latencies_used", latenciesUsed),
                new("tool_latencies_missing", latenciesMissing), new("tool_latencies_invalid", latenciesInvalid), new("total_tool_wait_ms", (long)Math.Round(totalToolWaitMs)),
            ],
            Parameters =
            [
                new("provider", Options.Provider?.WireName() ?? "all"),
                new("session_order", Options.ShuffleSessions ? "shuffle" : "stable"),
                new("max_sessions", Options.MaxSessions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "all"),
                new("tool_latency_source", Options.InternalToolLatency ? "internal" : "wall"),
                new("arrival_pattern", Options.PoissonArrivals ? "poisson" : "constant"),
                new("arrival_rate_per_s", PythonFloat.Repr(Options.ArrivalRate)),
                new("seed", Options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                new("generator", "NumPy default_rng (SeedSequence + PCG64): permutation(seed), exponential(seed + 1)"),
            ],
        };
    }

    /// <summary>Session arrival times in ms: 0, then cumulative exponential gaps of mean 1000/rate (Poisson), or i·1000/rate.</summary>
    private double[] Arrivals(int sessions)
    {
        var arrivals = new double[sessions];
        if (!Options.PoissonArrivals)
        {
            for (var i = 0; i < sessions; i++)
            {
                arrivals[i] = i * (1000 / Options.ArrivalRate);
            }

            return arrivals;
        }

        var gaps = new NumpyGenerator(Options.Seed + 1).Exponential(1 / (Options.ArrivalRate / 1000), Math.Max(0, sessions - 1));
        var time = 0.0;
        for (var i = 1; i < sessions; i++)
        {
            time += gaps[i - 1];
            arrivals[i] = time;
        }

        return arrivals;
    }
}
