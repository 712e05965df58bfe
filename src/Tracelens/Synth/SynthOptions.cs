using Tracelens.Model;

namespace Tracelens.Synth;

/// <summary>What <see cref="SyntheticHistory.Generate"/> writes and how much of it.</summary>
public sealed class SynthOptions
{
    /// <summary>Used when neither <see cref="TargetBytes"/> nor <see cref="TargetAssistantRecords"/> is set.</summary>
    public const long DefaultTargetBytes = 64L * 1024 * 1024;

    /// <summary>
    /// The folder that plays the role of a HOME: <c>.claude/projects/…</c>, <c>.codex/sessions/…</c> and
    /// <c>ground_truth.json</c> are written inside it. It must be absent or empty, or hold an earlier
    /// generated history (a <c>ground_truth.json</c>) and <see cref="Overwrite"/> be set.
    /// </summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Same seed and same targets give byte-identical files.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Stop once the written files (JSONL and subagent meta) reach this many bytes.</summary>
    public long? TargetBytes { get; init; }

    /// <summary>
    /// Stop once this many model-written records exist (Claude assistant lines, Codex reasoning /
    /// assistant message / tool-call response items). When both targets are set, the first one reached wins.
    /// </summary>
    public long? TargetAssistantRecords { get; init; }

    /// <summary>Harnesses to generate (Claude and Codex; OpenCode is not supported).</summary>
    public IReadOnlyList<Provider> Providers { get; init; } = [Provider.Claude, Provider.Codex];

    /// <summary>Sessions generated in parallel. The output does not depend on it.</summary>
    public int MaxDegreeOfParallelism { get; init; } = Environment.ProcessorCount;

    /// <summary>First UTC day a session may start on.</summary>
    public DateOnly BaseDate { get; init; } = new(2026, 1, 5);

    /// <summary>Session starts are spread over this many days.</summary>
    public int Days { get; init; } = 60;

    /// <summary>Replace an earlier generated history in <see cref="OutputDirectory"/>.</summary>
    public bool Overwrite { get; init; }

    /// <summary>Called after each finished session (from worker threads) with running totals.</summary>
    public IProgress<SynthProgress>? Progress { get; init; }
}

/// <summary>Running totals reported while generating (sessions finished so far, in any order).</summary>
public readonly record struct SynthProgress(int Sessions, long Bytes, long AssistantRecords);

/// <summary>The result of a generation run.</summary>
public sealed class SynthSummary
{
    public required string OutputDirectory { get; init; }

    public required string GroundTruthPath { get; init; }

    public required GroundTruth GroundTruth { get; init; }

    /// <summary>Sessions kept (Claude main sessions + Codex rollouts).</summary>
    public required int Sessions { get; init; }

    /// <summary>Files kept (JSONL and meta).</summary>
    public required long Files { get; init; }

    /// <summary>Bytes kept (JSONL and meta), excluding ground_truth.json.</summary>
    public required long Bytes { get; init; }

    public required long AssistantRecords { get; init; }

    /// <summary>Sessions generated concurrently past the target and then removed.</summary>
    public required int DiscardedSessions { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>Kept bytes per second of wall time, in MB (10^6 bytes).</summary>
    public double MegabytesPerSecond => Elapsed.TotalSeconds <= 0 ? 0 : Bytes / 1e6 / Elapsed.TotalSeconds;
}
