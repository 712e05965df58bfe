using Tracelens.Collect;
using Tracelens.Model;
using Xunit;

namespace Tracelens.Tests.Collect;

/// <summary>Logs are found where real installs keep them, once each, in TraceLab's order.</summary>
public sealed class LogDiscoveryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tracelens-discovery-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Touch(params string[] parts)
    {
        var path = Path.Combine([_root, .. parts]);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "{}\n");
        return path;
    }

    private List<string> Relative(List<SessionLog> logs) => logs.Select(l => Path.GetRelativePath(_root, l.Path).Replace('\\', '/')).ToList();

    [Fact]
    public void Paths_sort_as_python_compares_their_component_lists()
    {
        // The definition, spelled out: split into components, compare those lists element by element.
        static int ByComponents(string a, string b)
        {
            var pa = a.Split('/', '\\');
            var pb = b.Split('/', '\\');
            for (var i = 0; i < Math.Min(pa.Length, pb.Length); i++)
            {
                if (string.CompareOrdinal(pa[i], pb[i]) is var c and not 0)
                {
                    return c;
                }
            }

            return pa.Length.CompareTo(pb.Length);
        }

        var random = new Random(7);
        const string Alphabet = "ab-./\\ _0é";
        string Next() => new([.. Enumerable.Range(0, random.Next(0, 8)).Select(_ => Alphabet[random.Next(Alphabet.Length)])]);
        for (var i = 0; i < 20_000; i++)
        {
            var (a, b) = (Next(), Next());
            Assert.True(Math.Sign(ByComponents(a, b)) == Math.Sign(LogDiscovery.ComparePathComponents(a, b)), $"'{a}' vs '{b}'");
        }

        Assert.True(LogDiscovery.ComparePathComponents("p/a/x.jsonl", "p/a-b.jsonl") < 0); // the folder "a" before the file "a-b…"
    }

    [Fact]
    public void Finds_every_claude_and_codex_location_including_sidecars_and_environment_overrides()
    {
        Touch("home", ".claude", "projects", "-p1", "s1.jsonl");
        Touch("home", ".claude", "projects", "-p1", "s1", "subagents", "agent-a1.jsonl");
        Touch("home", ".claude", "projects", "-p1", "notes.txt");
        Touch("home", ".config", "claude", "projects", "-p2", "s2.jsonl");
        Touch("home", ".claude.back", "projects", "-p3", "s3.JSONL");
        Touch("cfg-a", "projects", "-p4", "s4.jsonl");
        Touch("cfg-b", "projects", "-p5", "s5.jsonl");
        Touch("home", ".codex", "sessions", "2026", "01", "02", "rollout-b.jsonl");
        Touch("home", ".codex", "archived_sessions", "rollout-old.jsonl");
        Touch("codex-home", "sessions", "2026", "03", "01", "rollout-c.jsonl");
        Touch("home", ".local", "share", "opencode", "storage", "session", "global", "ses_1.json");

        var logs = LogDiscovery.Discover(new DiscoveryOptions
        {
            Home = Path.Combine(_root, "home"),
            ClaudeConfigDirs = $"{Path.Combine(_root, "cfg-a")}, {Path.Combine(_root, "cfg-b")}",
            CodexHome = Path.Combine(_root, "codex-home"),
            XdgDataHome = null,
        });

        Assert.Equal(
        [
            "cfg-a/projects/-p4/s4.jsonl",
            "cfg-b/projects/-p5/s5.jsonl",
            // Python orders paths by components: "s1" < "s1.jsonl", so a session's sidecars come first.
            "home/.claude/projects/-p1/s1/subagents/agent-a1.jsonl",
            "home/.claude/projects/-p1/s1.jsonl",
            "home/.config/claude/projects/-p2/s2.jsonl",
            "home/.claude.back/projects/-p3/s3.JSONL",
            "codex-home/sessions/2026/03/01/rollout-c.jsonl",
            "home/.codex/sessions/2026/01/02/rollout-b.jsonl",
            "home/.codex/archived_sessions/rollout-old.jsonl",
            "home/.local/share/opencode/storage/session/global/ses_1.json",
        ], Relative(logs));
        Assert.Equal(Provider.OpenCode, logs[^1].Provider);
        Assert.Equal(".claude.back", logs.Single(l => l.Path.EndsWith("s3.JSONL", StringComparison.Ordinal)).Store);
        Assert.Equal("s1/subagents/agent-a1", logs.Single(l => l.Path.Contains("agent-a1", StringComparison.Ordinal)).Claude!.SessionKey);
    }

    [Fact]
    public void A_folder_named_twice_is_scanned_once_and_filters_apply()
    {
        Touch("home", ".claude", "projects", "-work-app", "s1.jsonl");
        Touch("home", ".claude", "projects", "-other", "s2.jsonl");
        Touch("home", ".codex", "sessions", "r.jsonl");
        var home = Path.Combine(_root, "home");
        var twice = LogDiscovery.Discover(new DiscoveryOptions { Home = home, ClaudeConfigDirs = Path.Combine(home, ".claude"), CodexHome = Path.Combine(home, ".codex"), XdgDataHome = null });
        Assert.Equal(3, twice.Count);

        var filtered = LogDiscovery.Discover(new DiscoveryOptions
        {
            Home = home,
            ClaudeConfigDirs = null,
            CodexHome = null,
            ProjectFilter = "work",
            Providers = new HashSet<Provider> { Provider.Claude },
        });
        Assert.Equal(["home/.claude/projects/-work-app/s1.jsonl"], Relative(filtered));
    }

    [Fact]
    public void Session_files_sort_component_wise_like_python_paths()
    {
        Touch("home", ".claude", "projects", "p", "a", "b.jsonl");
        Touch("home", ".claude", "projects", "p", "a-c.jsonl");
        var logs = LogDiscovery.Discover(new DiscoveryOptions { Home = Path.Combine(_root, "home"), ClaudeConfigDirs = null, CodexHome = null, XdgDataHome = null });
        // Component-wise "a" < "a-c.jsonl", although the whole string "a/b" > "a-c" ('/' > '-').
        Assert.Equal(["home/.claude/projects/p/a/b.jsonl", "home/.claude/projects/p/a-c.jsonl"], Relative(logs));
    }
}
