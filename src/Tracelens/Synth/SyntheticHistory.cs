using System.Diagnostics;
using Tracelens.Model;

namespace Tracelens.Synth;

/// <summary>
/// Deterministic generator of a synthetic coding-agent history (Claude Code projects and Codex
/// rollouts under a fake HOME) with its exact ground truth, for tests, demos and benchmarks.
/// </summary>
/// <remarks>
/// Sessions are numbered 0, 1, 2… and each is planned and written from its own seeded stream, so
/// workers can generate them in any order. The kept sessions are the shortest prefix 0..K whose
/// total reaches the target; sessions past K that a worker already started are deleted. The
/// output therefore depends only on the seed, the targets and the providers.
/// </remarks>
public static class SyntheticHistory
{
    private const int MaxSessions = 10_000_000;

    /// <summary>
    /// Writes the history under <see cref="SynthOptions.OutputDirectory"/> and its
    /// <c>ground_truth.json</c>, and returns what was written.
    /// </summary>
    /// <exception cref="ArgumentException">Unsupported provider, non-positive target or day count.</exception>
    /// <exception cref="IOException">The output folder holds something other than an earlier generated history
    /// (or one without <see cref="SynthOptions.Overwrite"/>).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the partial output is left in place.</exception>
    public static SynthSummary Generate(SynthOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = Validate(options);
        PrepareOutput(options);
        var clock = Stopwatch.StartNew();
        var planner = new SessionPlanner(settings);

        var targetBytes = options.TargetBytes ?? (options.TargetAssistantRecords is null ? SynthOptions.DefaultTargetBytes : long.MaxValue);
        var targetRecords = options.TargetAssistantRecords ?? long.MaxValue;
        var results = new Dictionary<int, SessionResult>();
        var gate = new object();
        var next = -1;
        var cutoff = int.MaxValue;
        var scanned = 0;
        long keptBytes = 0, keptRecords = 0, doneBytes = 0, doneRecords = 0;
        var done = 0;

        var dop = Math.Max(1, options.MaxDegreeOfParallelism);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = dop, CancellationToken = cancellationToken };
        try
        {
            Parallel.For(0, dop, parallel, _ =>
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var index = Interlocked.Increment(ref next);
                    if (index > Volatile.Read(ref cutoff) || index >= MaxSessions)
                    {
                        return;
                    }

                    var result = SessionRunner.Run(
                        settings,
                        planner,
                        planner.Plan(index),
                        () => index > Volatile.Read(ref cutoff) || cancellationToken.IsCancellationRequested);

                    SynthProgress progress;
                    lock (gate)
                    {
                        results[index] = result;
                        done++;
                        doneBytes += result.Bytes;
                        doneRecords += result.AssistantRecords;
                        while (results.TryGetValue(scanned, out var s))
                        {
                            if (cutoff == int.MaxValue)
                            {
                                keptBytes += s.Bytes;
                                keptRecords += s.AssistantRecords;
                                if (keptBytes >= targetBytes || keptRecords >= targetRecords)
                                {
                                    Volatile.Write(ref cutoff, scanned);
                                }
                            }

                            scanned++;
                        }

                        progress = new SynthProgress(done, doneBytes, doneRecords);
                    }

                    options.Progress?.Report(progress);
                }
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            throw e.InnerExceptions[0];
        }

        var kept = Math.Min(cutoff, scanned - 1);
        var discarded = 0;
        foreach (var (index, result) in results)
        {
            if (index > kept)
            {
                discarded++;
                foreach (var path in result.Files)
                {
                    File.Delete(path);
                }
            }
        }

        RemoveEmptyDirectories(settings.ClaudeProjects);
        RemoveEmptyDirectories(settings.CodexSessions);

        var claude = new ProviderTruthBuilder(trackUnique: true);
        var codex = new ProviderTruthBuilder(trackUnique: false);
        long files = 0, bytes = 0, records = 0;
        for (var i = 0; i <= kept; i++)
        {
            var r = results[i];
            (r.Provider == Provider.Claude ? claude : codex).Add(r.Truth);
            files += r.Files.Count;
            bytes += r.Bytes;
            records += r.AssistantRecords;
        }

        var truth = new GroundTruth
        {
            Seed = options.Seed,
            TargetBytes = options.TargetBytes ?? (options.TargetAssistantRecords is null ? SynthOptions.DefaultTargetBytes : null),
            TargetAssistantRecords = options.TargetAssistantRecords,
            BaseDate = options.BaseDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Days = options.Days,
            TotalBytes = bytes,
        };
        if (settings.Claude)
        {
            truth.Providers["claude"] = claude.Build();
        }

        if (settings.Codex)
        {
            truth.Providers["codex"] = codex.Build();
        }

        var truthPath = Path.Combine(options.OutputDirectory, GroundTruth.FileName);
        truth.Save(truthPath);
        clock.Stop();
        return new SynthSummary
        {
            OutputDirectory = options.OutputDirectory,
            GroundTruthPath = truthPath,
            GroundTruth = truth,
            Sessions = kept + 1,
            Files = files,
            Bytes = bytes,
            AssistantRecords = records,
            DiscardedSessions = discarded,
            Elapsed = clock.Elapsed,
        };
    }

    private static SynthSettings Validate(SynthOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.OutputDirectory))
        {
            throw new ArgumentException("an output directory is required", nameof(options));
        }

        if (options.TargetBytes is <= 0 || options.TargetAssistantRecords is <= 0)
        {
            throw new ArgumentException("targets must be positive", nameof(options));
        }

        if (options.Days <= 0)
        {
            throw new ArgumentException("days must be positive", nameof(options));
        }

        var claude = options.Providers.Contains(Provider.Claude);
        var codex = options.Providers.Contains(Provider.Codex);
        if (options.Providers.Any(p => p is not (Provider.Claude or Provider.Codex)))
        {
            throw new ArgumentException("only claude and codex histories can be generated", nameof(options));
        }

        if (!claude && !codex)
        {
            throw new ArgumentException("no provider to generate", nameof(options));
        }

        // Scale session sizes with the target so that small histories still hold many sessions.
        var budget = options.TargetBytes ?? (options.TargetAssistantRecords is { } r ? r * 3_500 : SynthOptions.DefaultTargetBytes);
        if (options.TargetBytes is { } b && options.TargetAssistantRecords is { } n)
        {
            budget = Math.Min(b, n * 3_500);
        }

        var maxSession = Math.Clamp(budget / 25, 40_000, 48_000_000);
        return new SynthSettings
        {
            Seed = options.Seed,
            BaseMs = SynthTime.FromDate(options.BaseDate),
            Days = options.Days,
            Claude = claude,
            Codex = codex,
            MaxSessionBytes = maxSession,
            MaxHugeBytes = (int)Math.Clamp(maxSession, 20_000, 700_000),
            HomeDirectory = Path.GetFullPath(options.OutputDirectory),
        };
    }

    private static void PrepareOutput(SynthOptions options)
    {
        var dir = options.OutputDirectory;
        if (!Directory.Exists(dir))
        {
            Directory.CreateDirectory(dir);
            return;
        }

        if (!Directory.EnumerateFileSystemEntries(dir).Any())
        {
            return;
        }

        var marker = Path.Combine(dir, GroundTruth.FileName);
        if (!File.Exists(marker))
        {
            throw new IOException($"{dir} is not empty and holds no generated history ({GroundTruth.FileName}); refusing to write into it");
        }

        if (!options.Overwrite)
        {
            throw new IOException($"{dir} already holds a generated history; set Overwrite to replace it");
        }

        foreach (var sub in new[] { Path.Combine(dir, ".claude"), Path.Combine(dir, ".codex") })
        {
            if (Directory.Exists(sub))
            {
                Directory.Delete(sub, recursive: true);
            }
        }

        File.Delete(marker);
    }

    /// <summary>Removes the empty folders below <paramref name="root"/> (left by discarded sessions), keeping <paramref name="root"/>.</summary>
    internal static void RemoveEmptyDirectories(string root)
    {
        if (!Directory.Exists(root))
        {
            return;
        }

        foreach (var sub in Directory.GetDirectories(root))
        {
            RemoveEmptyDirectories(sub);
            if (!Directory.EnumerateFileSystemEntries(sub).Any())
            {
                Directory.Delete(sub);
            }
        }
    }
}

/// <summary>What one session produced.</summary>
internal sealed class SessionResult
{
    public required Provider Provider { get; init; }
    public required TruthRecorder Truth { get; init; }
    public required IReadOnlyList<string> Files { get; init; }
    public required long Bytes { get; init; }
    public required long AssistantRecords { get; init; }
}

/// <summary>Writes one planned session (and its sidecars) and returns its files and ground truth.</summary>
internal static class SessionRunner
{
    public static SessionResult Run(SynthSettings settings, SessionPlanner planner, SessionPlan plan, Func<bool> abort) =>
        plan.Provider == Provider.Claude ? RunClaude(settings, planner, plan, abort) : RunCodex(settings, plan, abort);

    private static SessionResult RunClaude(SynthSettings settings, SessionPlanner planner, SessionPlan plan, Func<bool> abort)
    {
        var files = new SessionFiles();
        var truth = new TruthRecorder(trackUnique: true);
        var projectDir = Path.Combine(settings.ClaudeProjects, plan.ProjectDirName);
        var path = Path.Combine(projectDir, plan.SessionId + ".jsonl");
        var sidecarDir = Path.Combine(projectDir, plan.SessionId);
        var ownRng = new SynthRandom(plan.ContentSeed);
        files.Add(path);
        var sink = JsonlSink.Create(path);
        try
        {
            if (plan.ResumeOf >= 0)
            {
                // Replay the source session's opening turns verbatim (same uuids, message ids and
                // timestamps; only sessionId changes), then continue with this session's own stream.
                var source = planner.Plan(plan.ResumeOf);
                var writer = new ClaudeSessionWriter(
                    settings, source, plan.SessionId, sink, sidecarDir: null, truth, files, new SynthRandom(source.ContentSeed), replaying: true);
                writer.WriteHeader();
                writer.RunUntil(plan.ResumePrefixBytes, abort);
                writer.ContinueAsResumed(ownRng, sidecarDir, plan.ResumeGapMs);
                writer.RunUntil(sink.Bytes + Math.Max(plan.PlannedBytes / 2, 20_000), abort);
                truth.Counts.ResumedSessions++;
            }
            else
            {
                var writer = new ClaudeSessionWriter(settings, plan, plan.SessionId, sink, sidecarDir, truth, files, ownRng, replaying: false);
                writer.WriteHeader();
                writer.RunUntil(plan.PlannedBytes, abort);
            }
        }
        finally
        {
            sink.Dispose();
        }

        return Finish(Provider.Claude, truth, sink, files.Paths);
    }

    private static SessionResult RunCodex(SynthSettings settings, SessionPlan plan, Func<bool> abort)
    {
        var truth = new TruthRecorder(trackUnique: false);
        var (y, m, d) = SynthTime.CivilFromDays(SynthTime.DayNumber(plan.StartMs));
        var dir = Path.Combine(
            settings.CodexSessions,
            y.ToString("D4", System.Globalization.CultureInfo.InvariantCulture),
            m.ToString("D2", System.Globalization.CultureInfo.InvariantCulture),
            d.ToString("D2", System.Globalization.CultureInfo.InvariantCulture));
        var path = Path.Combine(dir, "rollout-" + SynthTime.FileStamp(plan.StartMs) + "-" + plan.SessionId + ".jsonl");
        var sink = JsonlSink.Create(path);
        try
        {
            var writer = new CodexSessionWriter(settings, plan, sink, truth, new SynthRandom(plan.ContentSeed));
            writer.WriteHeader();
            writer.RunUntil(plan.PlannedBytes, abort);
        }
        finally
        {
            sink.Dispose();
        }

        return Finish(Provider.Codex, truth, sink, [path]);
    }

    /// <summary>Counts the session's main file and wraps up what the session produced.</summary>
    private static SessionResult Finish(Provider provider, TruthRecorder truth, JsonlSink mainFile, IReadOnlyList<string> files)
    {
        truth.Counts.Files++;
        truth.Counts.Sessions++;
        truth.Counts.Lines += mainFile.Lines;
        truth.Counts.Bytes += mainFile.Bytes;
        return new SessionResult
        {
            Provider = provider,
            Truth = truth,
            Files = files,
            Bytes = truth.Counts.Bytes + truth.Counts.MetaBytes,
            AssistantRecords = truth.Counts.AssistantRecords,
        };
    }
}
