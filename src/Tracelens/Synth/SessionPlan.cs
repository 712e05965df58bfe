using Tracelens.Model;

namespace Tracelens.Synth;

/// <summary>Generation-wide constants derived from <see cref="SynthOptions"/>.</summary>
internal sealed class SynthSettings
{
    public required ulong Seed { get; init; }
    public required long BaseMs { get; init; }
    public required int Days { get; init; }
    public required bool Claude { get; init; }
    public required bool Codex { get; init; }

    /// <summary>Upper bound of one session's planned size, so small targets still get many sessions.</summary>
    public required long MaxSessionBytes { get; init; }

    /// <summary>Upper bound of one huge tool output.</summary>
    public required int MaxHugeBytes { get; init; }

    public required string HomeDirectory { get; init; }

    public string ClaudeProjects => Path.Combine(HomeDirectory, ".claude", "projects");

    public string CodexSessions => Path.Combine(HomeDirectory, ".codex", "sessions");
}

/// <summary>Everything decided about a session before it is written; cheap and pure in (seed, index).</summary>
internal sealed class SessionPlan
{
    public required int Index { get; init; }
    public required Provider Provider { get; init; }

    /// <summary>Seed of the session's content stream.</summary>
    public required ulong ContentSeed { get; init; }

    public required long StartMs { get; init; }
    public required long PlannedBytes { get; init; }
    public required bool Showcase { get; init; }
    public required string Cwd { get; init; }
    public required string SessionId { get; init; }
    public required string Version { get; init; }
    public required string Branch { get; init; }
    public required string Model { get; init; }

    /// <summary>Claude: cache writes use the 1-hour TTL.</summary>
    public bool Ttl1h { get; init; }

    /// <summary>Claude: index of the session whose prefix this one replays, or -1.</summary>
    public int ResumeOf { get; init; } = -1;

    /// <summary>Claude resumed: replay the source until its main file reaches this many bytes (at a turn boundary).</summary>
    public long ResumePrefixBytes { get; init; }

    /// <summary>Claude resumed: idle time between the replayed prefix and the new turns.</summary>
    public long ResumeGapMs { get; init; }

    /// <summary>Codex: <c>session_meta.source</c>.</summary>
    public string Source { get; init; } = "cli";

    public string ProjectDirName => EncodeCwd(Cwd);

    /// <summary>Claude Code's project folder name: every character other than a letter or digit becomes '-'.</summary>
    public static string EncodeCwd(string cwd) =>
        string.Create(cwd.Length, cwd, static (span, s) =>
        {
            for (var i = 0; i < s.Length; i++)
            {
                span[i] = char.IsAsciiLetterOrDigit(s[i]) ? s[i] : '-';
            }
        });
}

/// <summary>Decides what session <c>i</c> is from (seed, i) alone, so workers can plan any index independently.</summary>
internal sealed class SessionPlanner(SynthSettings settings)
{
    public static readonly string[] ClaudeModels =
    [
        "claude-sonnet-4-5-20250929", "claude-sonnet-4-6", "claude-opus-4-6", "claude-opus-4-1-20250805", "claude-haiku-4-5-20251001",
    ];

    public static readonly string[] CodexModels = ["gpt-5.4", "gpt-5.3-codex", "gpt-5.1-codex-mini"];

    private static readonly int[] ClaudeModelWeights = [32, 22, 22, 12, 12];
    private static readonly int[] CodexModelWeights = [45, 35, 20];

    private static readonly string[] Projects =
    [
        "/home/dev/proj-tracelens", "/home/dev/web-shop", "/home/dev/ml-pipeline", "/home/dev/infra/terraform-live",
        "/home/dev/mobile-app", "/home/dev/data_etl", "/home/dev/work/acme.io", "/home/dev/api-gateway",
        "/home/dev/game-engine", "/home/dev/cli-tools", "/home/dev/docs-site", "/home/dev/src/payments-svc",
    ];

    private static readonly int[] ProjectWeights = [18, 14, 10, 6, 8, 7, 9, 8, 4, 6, 3, 7];

    private static readonly string[] ClaudeVersions = ["2.0.14", "2.0.37", "2.0.76", "2.1.3", "2.1.12", "2.1.31"];
    private static readonly string[] CodexVersions = ["0.98.0", "0.107.0", "0.114.0", "0.118.0", "0.121.0"];
    private static readonly string[] CodexSources = ["cli", "cli", "cli", "vscode", "exec"];

    // Planned session size: median a few hundred KB, a long tail to tens of MB.
    private static readonly long[] SizeEdges = [10_000, 60_000, 250_000, 1_000_000, 4_000_000, 14_000_000, 40_000_000];
    private static readonly int[] SizeWeights = [26, 34, 22, 12, 5, 1];

    private const ulong PlanStream = 1;
    private const ulong ContentStream = 2;

    public SessionPlan Plan(int index)
    {
        var rng = new SynthRandom(SynthRandom.Derive(settings.Seed, PlanStream, (ulong)index));
        var (provider, resumeCandidate) = Basic(index, rng);
        var showcase = index == 0 || (index == 1 && settings.Claude && settings.Codex);

        var resumeOf = -1;
        if (provider == Provider.Claude && resumeCandidate)
        {
            resumeOf = ForcedResume(index) ? 0 : FindResumeSource(index, rng);
        }

        var contentSeed = SynthRandom.Derive(settings.Seed, ContentStream, (ulong)index);
        var day = rng.Next(settings.Days);
        var startMs = settings.BaseMs + day * SynthTime.MsPerDay + TimeOfDay(rng);
        var planned = Math.Min(rng.Skewed(SizeEdges, SizeWeights), settings.MaxSessionBytes);
        if (provider == Provider.Codex)
        {
            planned = Math.Max(8_000, planned * 6 / 10);
        }

        if (showcase)
        {
            planned = Math.Max(planned, Math.Min(settings.MaxSessionBytes, 600_000));
        }

        var cwd = Projects[rng.Pick(ProjectWeights)];
        var codex = provider == Provider.Codex;
        var sessionId = codex ? SynthText.Uuid7(startMs, rng) : SynthText.Uuid4(rng);
        var version = codex ? CodexVersions[rng.Next(CodexVersions.Length)] : ClaudeVersions[rng.Next(ClaudeVersions.Length)];
        var branch = Branch(rng);
        var model = codex ? CodexModels[rng.Pick(CodexModelWeights)] : ClaudeModels[rng.Pick(ClaudeModelWeights)];
        var source = codex ? CodexSources[rng.Next(CodexSources.Length)] : "cli";
        var ttl1h = !codex && rng.Chance(0.4);
        long prefix = 0, gap = 0;
        if (resumeOf >= 0)
        {
            // A resumed session continues its source: same project, version, branch, model and cache TTL.
            var origin = Plan(resumeOf);
            cwd = origin.Cwd;
            prefix = origin.PlannedBytes * rng.Range(25, 70) / 100;
            gap = rng.Range(20 * SynthTime.MsPerMinute, 3 * SynthTime.MsPerDay);
            version = origin.Version;
            branch = origin.Branch;
            model = origin.Model;
            ttl1h = origin.Ttl1h;
        }

        return new SessionPlan
        {
            Index = index,
            Provider = provider,
            ContentSeed = contentSeed,
            StartMs = startMs,
            PlannedBytes = planned,
            Showcase = showcase,
            Cwd = cwd,
            SessionId = sessionId,
            Version = version,
            Branch = branch,
            Model = model,
            Source = source,
            Ttl1h = ttl1h,
            ResumeOf = resumeOf,
            ResumePrefixBytes = prefix,
            ResumeGapMs = gap,
        };
    }

    /// <summary>The first two draws of a plan: provider and whether it wants to resume an older session.</summary>
    private (Provider Provider, bool ResumeCandidate) Basic(int index, SynthRandom rng)
    {
        var providerRoll = rng.NextDouble();
        var resumeRoll = rng.NextDouble();
        Provider provider;
        if (settings.Claude && settings.Codex)
        {
            provider = index switch
            {
                0 or 2 => Provider.Claude,
                1 => Provider.Codex,
                _ => providerRoll < 0.72 ? Provider.Claude : Provider.Codex,
            };
        }
        else
        {
            provider = settings.Claude ? Provider.Claude : Provider.Codex;
        }

        var candidate = provider == Provider.Claude && (ForcedResume(index) || (index > 2 && resumeRoll < 0.06));
        return (provider, candidate);
    }

    private (Provider Provider, bool ResumeCandidate) Basic(int index) =>
        Basic(index, new SynthRandom(SynthRandom.Derive(settings.Seed, PlanStream, (ulong)index)));

    /// <summary>Session 2 always resumes session 0 (when Claude is generated), so every history has one.</summary>
    private bool ForcedResume(int index) => index == 2 && settings.Claude;

    private int FindResumeSource(int index, SynthRandom rng)
    {
        for (var attempt = 0; attempt < 6; attempt++)
        {
            var j = index - 1 - rng.Next(Math.Min(index, 300));
            var (p, candidate) = Basic(j);
            if (p == Provider.Claude && !candidate)
            {
                return j;
            }
        }

        return -1;
    }

    private static long TimeOfDay(SynthRandom rng)
    {
        // Busy working hours (UTC), a quieter evening, a little night-time use.
        ReadOnlySpan<int> hourWeights = [1, 1, 1, 1, 1, 2, 3, 5, 9, 12, 12, 11, 8, 10, 12, 12, 11, 9, 7, 6, 5, 4, 3, 2];
        var hour = rng.Pick(hourWeights);
        return hour * SynthTime.MsPerHour + rng.Range(0, SynthTime.MsPerHour - 1);
    }

    private static string Branch(SynthRandom rng)
    {
        return rng.Next(10) switch
        {
            < 5 => "main",
            5 => "HEAD",
            6 => "develop",
            _ => "feature/" + SynthText.Nouns[rng.Next(SynthText.Nouns.Length)] + "-" + SynthText.Verbs[rng.Next(SynthText.Verbs.Length)],
        };
    }
}
