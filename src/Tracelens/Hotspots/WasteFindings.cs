using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tracelens.Model;
using Tracelens.Pricing;
using Tracelens.Readers;

namespace Tracelens.Hotspots;

/// <summary>
/// The waste detectors (burn-spec §4.5) over an attribution report: retry-loop, failure-run,
/// edit-revert, tool-output-bloat (settings and observed sizes) and unpriced-usage, sorted
/// unpriced first (by tokens), then by severity, then by USD.
/// </summary>
public static class WasteFindings
{
    /// <summary>A run of this many failing calls is a retry loop or a failure run.</summary>
    public const int MinRun = 3;

    /// <summary>A tool result above this many tokens (or the p95 of all results, when higher) is bloat.</summary>
    public const long BloatTokens = 15_000;

    /// <summary>The p95 of result sizes is trusted from this many results on.</summary>
    public const int MinSamplesForP95 = 20;

    /// <summary>The Bash output length (characters) the settings signal recommends.</summary>
    public const int RecommendedShellOutputChars = 60_000;

    /// <param name="report">Attributed with inputs (<c>withInputs: true</c>), so calls can be compared.</param>
    /// <param name="caps">The settings reader the report was made with (signal A reads its files).</param>
    public static List<WasteFinding> Detect(HotspotReport report, PriceBook prices, ShellOutputCap caps)
    {
        var findings = new List<WasteFinding>();
        foreach (var session in report.Calls.GroupBy(c => c.SessionId, StringComparer.Ordinal))
        {
            var calls = session.ToList();
            FailureRuns(calls, findings);
            EditReverts(calls, findings);
        }

        ShellOutputSettings(report, caps, findings);
        OversizedResults(report, prices, findings);
        MarkUnpriced(report, findings);
        findings.Sort(Compare);
        return findings;
    }

    /// <summary>
    /// retry-loop: ≥ 3 consecutive failing calls of the same tool with the same input. failure-run:
    /// ≥ 3 consecutive failing calls of at least two different (tool, input) pairs, so a pure retry
    /// loop is not reported twice.
    /// </summary>
    private static void FailureRuns(List<AttributedCall> calls, List<WasteFinding> findings)
    {
        var run = new List<AttributedCall>();
        var same = 0; // length of the run's tail of identical calls
        void CloseRetry()
        {
            if (same >= MinRun)
            {
                var loop = run.GetRange(run.Count - same, same);
                var c = loop[0];
                var target = c.Target is { Length: > 0 } t ? " " + Shorten(t, 60) : string.Empty;
                findings.Add(Finding("retry-loop", loop, $"Retry loop: {c.CanonicalName}{target} failed {same}× in a row",
                    $"{same} consecutive identical {c.CanonicalName} calls failed (steps {loop[0].RoundIndex}–{loop[^1].RoundIndex})."));
            }
        }

        void CloseRun()
        {
            CloseRetry();
            if (run.Count >= MinRun && run.Select(Identity).Distinct(StringComparer.Ordinal).Skip(1).Any())
            {
                var tools = string.Join(", ", run.Select(c => c.CanonicalName).Distinct(StringComparer.Ordinal));
                findings.Add(Finding("failure-run", run, $"Failure run: {run.Count} failing calls in a row ({tools})",
                    $"{run.Count} consecutive tool calls failed (steps {run[0].RoundIndex}–{run[^1].RoundIndex}): {tools}."));
            }

            run.Clear();
            same = 0;
        }

        foreach (var call in calls)
        {
            if (call.IsError != true)
            {
                CloseRun();
                continue;
            }

            if (run.Count > 0 && Identity(run[^1]) != Identity(call))
            {
                CloseRetry();
                same = 0;
            }

            run.Add(call);
            same++;
        }

        CloseRun();
    }

    /// <summary>What makes two calls "the same call": the folded tool name and the exact input (or target, without input).</summary>
    private static string Identity(AttributedCall c) =>
        c.CanonicalName + "\0" + (c.InputJson is { } input ? Encoding.UTF8.GetString(input) : c.Target);

    /// <summary>
    /// edit-revert: per file, a successful edit whose result text (post) equals the text an earlier
    /// edit replaced (pre) undid that edit. The file's history starts over after a revert.
    /// </summary>
    private static void EditReverts(List<AttributedCall> calls, List<WasteFinding> findings)
    {
        var history = new Dictionary<string, List<EditHashes>>(StringComparer.Ordinal);
        foreach (var call in calls)
        {
            if (call.IsError == true || call.CanonicalName is not ("Edit" or "Write" or "NotebookEdit") || call.Target is not { Length: > 0 } file
                || Hashes(call) is not { } hashes)
            {
                continue;
            }

            if (!history.TryGetValue(file, out var edits))
            {
                history[file] = edits = [];
            }

            var undone = hashes.Post is null ? null : edits.Find(e => e.Pre == hashes.Post);
            if (undone is not null)
            {
                var pair = new List<AttributedCall> { undone.Call, call };
                findings.Add(Finding("edit-revert", pair, $"Edit revert: {Shorten(file, 60)} changed back after {call.RoundIndex - undone.Call.RoundIndex} steps",
                    $"The edit at step {call.RoundIndex} restored the text the edit at step {undone.Call.RoundIndex} replaced (hash {hashes.Post})."));
                edits.Clear();
                continue;
            }

            edits.Add(hashes with { Call = call });
        }
    }

    /// <summary>Hashes of the text an edit replaced and the text it wrote (Claude and OpenCode key spellings); null for inputs without them (apply_patch).</summary>
    private static EditHashes? Hashes(AttributedCall call)
    {
        if (call.InputJson is not { } input)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(input);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? Get(params string[] keys) =>
                keys.Select(k => root.TryGetProperty(k, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null).FirstOrDefault(v => v is not null);
            var pre = Get("old_string", "oldString");
            var post = Get("new_string", "newString", "content", "new_source");
            return pre is null && post is null ? null : new EditHashes(Hash(pre), Hash(post), call);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Hash(string? text) =>
        text is null ? null : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    private sealed record EditHashes(string? Pre, string? Post, AttributedCall Call);

    /// <summary>
    /// tool-output-bloat, signal A: a settings file lets Bash return more than 15,000 tokens
    /// (<c>BASH_MAX_OUTPUT_LENGTH</c> / 4), so every large output is paid in full and then re-read.
    /// </summary>
    private static void ShellOutputSettings(HotspotReport report, ShellOutputCap caps, List<WasteFinding> findings)
    {
        foreach (var setting in caps.Configured(report.Calls.Select(c => c.Cwd)))
        {
            var tokens = setting.Chars / 4;
            if (tokens <= BloatTokens)
            {
                continue;
            }

            findings.Add(new WasteFinding
            {
                Kind = "tool-output-bloat",
                Severity = FindingSeverity.Warn,
                SessionId = "settings:" + setting.Path,
                Title = $"Bash output limit of {setting.Chars.ToString("N0", CultureInfo.InvariantCulture)} characters (~{tokens.ToString("N0", CultureInfo.InvariantCulture)} tokens) lets large outputs through",
                Detail = $"{setting.Path} sets env.BASH_MAX_OUTPUT_LENGTH = {setting.Chars.ToString(CultureInfo.InvariantCulture)}; a result that long costs ~{tokens.ToString("N0", CultureInfo.InvariantCulture)} input tokens and is re-read on every later step while cached.",
                Tokens = (setting.Chars - RecommendedShellOutputChars) / 4 > 0 ? (setting.Chars - RecommendedShellOutputChars) / 4 : null,
                Actions = [new FindingAction("paste", $"in the \"env\" object of {setting.Path}", $"\"BASH_MAX_OUTPUT_LENGTH\": \"{RecommendedShellOutputChars.ToString(CultureInfo.InvariantCulture)}\"")],
            });
        }
    }

    /// <summary>
    /// tool-output-bloat, signal B: results above max(15,000 tokens, p95 of all result sizes), by
    /// harness and tool, priced at the input rate of each call's model.
    /// </summary>
    private static void OversizedResults(HotspotReport report, PriceBook prices, List<WasteFinding> findings)
    {
        var sizes = report.Calls.Where(c => c.OutputBytes is not null || c.ResultChars is not null).Select(c => c.SizeTokens).ToList();
        if (sizes.Count == 0)
        {
            return;
        }

        sizes.Sort();
        var p95 = sizes[Math.Max(0, (int)Math.Ceiling(0.95 * sizes.Count) - 1)];
        var threshold = sizes.Count >= MinSamplesForP95 ? Math.Max(BloatTokens, p95) : BloatTokens;
        var groups = report.Calls.Where(c => c.SizeTokens > threshold)
            .GroupBy(c => c.Provider.WireName() + "\0" + c.CanonicalName, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in groups)
        {
            var calls = group.ToList();
            var tokens = calls.Sum(c => c.SizeTokens);
            decimal usd = 0;
            var unpriced = false;
            foreach (var c in calls)
            {
                if (prices.Resolve(c.Model) is { } price)
                {
                    usd += c.SizeTokens * price.Price.Rates.Input / 1_000_000m;
                }
                else
                {
                    unpriced = true;
                }
            }

            var first = calls[0];
            var sessions = calls.Select(c => c.SessionId).Distinct(StringComparer.Ordinal).ToList();
            var truncated = calls.Count(c => c.Truncated);
            findings.Add(new WasteFinding
            {
                Kind = "tool-output-bloat",
                Severity = WasteFinding.SeverityOf(usd),
                SessionId = first.SessionId,
                Title = $"Tool output bloat: {calls.Count} {first.CanonicalName} result{(calls.Count == 1 ? string.Empty : "s")} over {threshold.ToString("N0", CultureInfo.InvariantCulture)} tokens ({first.Provider.WireName()})",
                Detail = string.Create(CultureInfo.InvariantCulture,
                    $"largest {calls.Max(c => c.SizeTokens):N0} tokens ({calls.Max(c => c.OutputBytes ?? 0):N0} bytes), p95 of all results {p95:N0} tokens, {truncated} truncated; sessions: {string.Join(", ", sessions.Take(5))}{(sessions.Count > 5 ? ", …" : string.Empty)}"),
                Tokens = tokens,
                Usd = unpriced ? null : usd,
                Unpriced = unpriced,
                Actions = [new FindingAction("command", "see the largest outputs", "tracelens hotspots --rank-by bytes --group-by bash")],
            });
        }
    }

    /// <summary>
    /// unpriced-usage: one per session with unpriced steps; and any other finding in such a session
    /// loses its USD (it would be an undercount) and carries its tokens instead.
    /// </summary>
    private static void MarkUnpriced(HotspotReport report, List<WasteFinding> findings)
    {
        var unpricedSessions = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in report.Sessions.Where(s => s.UnpricedSteps > 0))
        {
            unpricedSessions.Add(s.SessionId);
        }

        foreach (var f in findings.Where(f => unpricedSessions.Contains(f.SessionId) && !f.Unpriced))
        {
            f.Unpriced = true;
            f.Usd = null;
            f.Detail += " Some steps of this session have no price, so no USD is given.";
        }

        foreach (var s in report.Sessions.Where(s => s.UnpricedSteps > 0))
        {
            findings.Add(new WasteFinding
            {
                Kind = "unpriced-usage",
                Severity = FindingSeverity.Info,
                SessionId = s.SessionId,
                Title = string.Create(CultureInfo.InvariantCulture, $"Unpriced usage: {s.UnpricedSteps:N0} of {s.Steps:N0} steps have no price"),
                Detail = "Their tokens are counted but left out of every cost; add the model to a price override file (tracelens prices).",
                Tokens = s.UnpricedTokens,
                Unpriced = true,
                Actions = [SessionAction(s.SessionId)],
            });
        }
    }

    private static WasteFinding Finding(string kind, List<AttributedCall> calls, string title, string detail)
    {
        // A step counts once even when several of its calls are in the run.
        decimal usd = 0;
        long tokens = 0;
        var unpriced = false;
        foreach (var step in calls.DistinctBy(c => c.StepId))
        {
            usd += step.StepCost ?? 0m;
            unpriced |= step.StepCost is null;
            tokens += step.StepTokens;
        }

        return new WasteFinding
        {
            Kind = kind,
            Severity = WasteFinding.SeverityOf(usd),
            SessionId = calls[0].SessionId,
            Title = title,
            Detail = detail,
            Tokens = tokens,
            Usd = unpriced ? null : usd,
            Unpriced = unpriced,
            Actions = [SessionAction(calls[0].SessionId)],
        };
    }

    private static FindingAction SessionAction(string sessionId) => new("command", "see this session's hotspots", $"tracelens hotspots --session {sessionId}");

    private static string Shorten(string text, int max)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }

    /// <summary>Unpriced first (most tokens first), then high, warn, info, then USD, then kind, session and title.</summary>
    private static int Compare(WasteFinding a, WasteFinding b)
    {
        if (a.Unpriced != b.Unpriced)
        {
            return a.Unpriced ? -1 : 1;
        }

        var c = a.Unpriced ? (b.Tokens ?? 0).CompareTo(a.Tokens ?? 0) : 0;
        c = c != 0 ? c : b.Severity.CompareTo(a.Severity);
        c = c != 0 ? c : decimal.Compare(b.Usd ?? 0m, a.Usd ?? 0m);
        c = c != 0 ? c : string.CompareOrdinal(a.Kind, b.Kind);
        c = c != 0 ? c : string.CompareOrdinal(a.SessionId, b.SessionId);
        return c != 0 ? c : string.CompareOrdinal(a.Title, b.Title);
    }
}
