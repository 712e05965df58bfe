using Tracelens.Model;
using Tracelens.Readers.Claude;
using Tracelens.Readers.Codex;
using Tracelens.Readers.OpenCode;

namespace Tracelens.Collect;

/// <summary>
/// One session log file to read, in the order TraceLab reads them. <see cref="Length"/> and
/// <see cref="ModifiedNs"/> are its fingerprint when found (-1 when it could not be stat'ed).
/// </summary>
public sealed record SessionLog(Provider Provider, string Path, string Store, long Length, ClaudeSessionSource? Claude, CodexSessionSource? Codex, OpenCodeSessionSource? OpenCode = null)
{
    public long ModifiedNs { get; init; } = -1;

    /// <summary>The file's inode (0 where unknown): a new inode under the same path is a replaced file.</summary>
    public long Inode { get; init; }
}

/// <summary>Where to look for logs. Explicit values beat environment variables.</summary>
public sealed record DiscoveryOptions
{
    /// <summary>The home directory scanned (default: the user's home).</summary>
    public string Home { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary><c>CLAUDE_CONFIG_DIR</c>: comma-separated Claude config directories (each holds <c>projects/</c>).</summary>
    public string? ClaudeConfigDirs { get; init; } = Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR");

    /// <summary><c>CODEX_HOME</c>: the Codex home (holds <c>sessions/</c> and <c>archived_sessions/</c>).</summary>
    public string? CodexHome { get; init; } = Environment.GetEnvironmentVariable("CODEX_HOME");

    /// <summary><c>XDG_DATA_HOME</c>: OpenCode keeps its storage in <c>$XDG_DATA_HOME/opencode/storage</c>.</summary>
    public string? XdgDataHome { get; init; } = Environment.GetEnvironmentVariable("XDG_DATA_HOME");

    /// <summary>Only these providers (all when null).</summary>
    public IReadOnlySet<Provider>? Providers { get; init; }

    /// <summary>Keep Claude project directories whose name contains this text (TraceLab's project filter).</summary>
    public string? ProjectFilter { get; init; }
}

/// <summary>
/// Finds Claude Code and Codex session logs where they really are (tracelab-spec §1.1 plus the
/// locations real installs use): <c>~/.claude/projects/**</c> including
/// <c>&lt;session&gt;/subagents/agent-*.jsonl</c> sidecars, <c>~/.claude.back/projects</c>,
/// <c>~/.config/claude/projects</c>, every <c>CLAUDE_CONFIG_DIR</c> entry,
/// <c>~/.codex/sessions/**</c>, <c>~/.codex/archived_sessions</c> and <c>CODEX_HOME</c>; OpenCode's
/// storage under <c>$XDG_DATA_HOME</c> or <c>~/.local/share/opencode/storage</c>.
/// Order follows TraceLab (project dirs by path string; files component-wise), which decides
/// which copy of a duplicated row wins. Unreadable folders are reported, not fatal.
/// </summary>
public static class LogDiscovery
{
    public static List<SessionLog> Discover(DiscoveryOptions options, List<string>? problems = null)
    {
        var logs = new List<SessionLog>();
        var seenRoots = new HashSet<string>(StringComparer.Ordinal);
        var want = (Provider p) => options.Providers is null || options.Providers.Contains(p);

        if (want(Provider.Claude))
        {
            foreach (var (root, store) in ClaudeRoots(options))
            {
                if (!seenRoots.Add(Normalize(root)) || !Directory.Exists(root))
                {
                    continue;
                }

                foreach (var projectDir in SafeDirectories(root, problems).OrderBy(d => d, StringComparer.Ordinal))
                {
                    var project = Path.GetFileName(projectDir);
                    if (options.ProjectFilter is { Length: > 0 } filter && !project.Contains(filter, StringComparison.Ordinal))
                    {
                        continue;
                    }

                    var files = SafeFiles(projectDir, problems);
                    files.Sort(ComparePathComponents);
                    foreach (var file in files)
                    {
                        logs.Add(Stat(new SessionLog(Provider.Claude, file, store, 0, ClaudeSessionSource.FromProjectFile(projectDir, file), null)));
                    }
                }
            }
        }

        if (want(Provider.Codex))
        {
            foreach (var root in CodexRoots(options))
            {
                if (!seenRoots.Add(Normalize(root)) || !Directory.Exists(root))
                {
                    continue;
                }

                var files = SafeFiles(root, problems);
                files.Sort(ComparePathComponents);
                foreach (var file in files)
                {
                    logs.Add(Stat(new SessionLog(Provider.Codex, file, ".codex", 0, null, new CodexSessionSource(file))));
                }
            }
        }

        if (want(Provider.OpenCode))
        {
            // OpenCode's JSON storage tree (burn-spec §3.5): one log per session file.
            var root = OpenCodeStorage.DefaultRoot(options.Home, options.XdgDataHome);
            if (seenRoots.Add(Normalize(root)) && Directory.Exists(root))
            {
                foreach (var source in OpenCodeStorage.FindSessions(root, problems))
                {
                    logs.Add(Stat(new SessionLog(Provider.OpenCode, source.SessionFile, "opencode", 0, null, null, source)));
                }
            }
        }

        return logs;
    }

    /// <summary>Every folder discovery scans, whether or not it exists yet (what a watcher observes).</summary>
    public static IEnumerable<string> Roots(DiscoveryOptions options)
    {
        var want = (Provider p) => options.Providers is null || options.Providers.Contains(p);
        var roots = new List<string>();
        if (want(Provider.Claude))
        {
            roots.AddRange(ClaudeRoots(options).Select(r => r.Root));
        }

        if (want(Provider.Codex))
        {
            roots.AddRange(CodexRoots(options));
        }

        if (want(Provider.OpenCode))
        {
            roots.Add(OpenCodeStorage.DefaultRoot(options.Home, options.XdgDataHome));
        }

        return roots.Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<(string Root, string Store)> ClaudeRoots(DiscoveryOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.ClaudeConfigDirs))
        {
            foreach (var dir in o.ClaudeConfigDirs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                yield return (Path.Combine(ExpandHome(dir, o.Home), "projects"), ".claude");
            }
        }

        yield return (Path.Combine(o.Home, ".claude", "projects"), ".claude");
        yield return (Path.Combine(o.Home, ".config", "claude", "projects"), ".claude");
        yield return (Path.Combine(o.Home, ".claude.back", "projects"), ".claude.back");
    }

    private static IEnumerable<string> CodexRoots(DiscoveryOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.CodexHome))
        {
            var home = ExpandHome(o.CodexHome.Trim(), o.Home);
            yield return Path.Combine(home, "sessions");
            yield return Path.Combine(home, "archived_sessions");
        }

        yield return Path.Combine(o.Home, ".codex", "sessions");
        yield return Path.Combine(o.Home, ".codex", "archived_sessions");
    }

    private static string ExpandHome(string path, string home) =>
        path == "~" ? home : path.StartsWith("~/", StringComparison.Ordinal) ? Path.Combine(home, path[2..]) : path;

    private static string Normalize(string path)
    {
        var full = Path.GetFullPath(path).TrimEnd(Path.DirectorySeparatorChar);
        try
        {
            // Two spellings of one folder (a symlinked config dir) are scanned once.
            var info = new DirectoryInfo(full);
            return info.ResolveLinkTarget(true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
        catch (UnauthorizedAccessException)
        {
            return full;
        }
    }

    /// <summary>One stat per file gives both the size (for progress) and the ingest fingerprint.</summary>
    private static SessionLog Stat(SessionLog log)
    {
        // A file that vanished between listing and stat keeps size 0 and no fingerprint.
        return FileStatus.TryGet(log.Path, out var size, out var mtime, out var inode)
            ? log with { Length = size, ModifiedNs = mtime, Inode = inode }
            : log;
    }

    /// <summary>Project directories: direct children of <c>projects/</c>.</summary>
    private static string[] SafeDirectories(string root, List<string>? problems)
    {
        try
        {
            return Directory.GetDirectories(root);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems?.Add($"{root}: {e.Message}");
            return [];
        }
    }

    /// <summary>Every <c>*.jsonl</c> below a folder (extension matched case-insensitively), skipping unreadable parts.</summary>
    private static List<string> SafeFiles(string root, List<string>? problems)
    {
        var files = new List<string>();
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            MatchCasing = MatchCasing.CaseInsensitive,
            AttributesToSkip = FileAttributes.ReparsePoint,
        };
        try
        {
            files.AddRange(Directory.EnumerateFiles(root, "*.jsonl", options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems?.Add($"{root}: {e.Message}");
        }

        return files;
    }

    /// <summary>
    /// Python <c>Path</c> ordering: compare component lists, each component by code point. Done in
    /// one pass without splitting: a separator sorts before every character, so a component that
    /// is a prefix of the other's sorts first, exactly as the shorter component does. (Splitting
    /// allocated for every comparison and made sorting a large history's file list a third of a
    /// no-op ingest.)
    /// </summary>
    public static int ComparePathComponents(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            int x = a[i], y = b[i];
            if (x == y)
            {
                continue;
            }

            x = x is '/' or '\\' ? -1 : x;
            y = y is '/' or '\\' ? -1 : y;
            if (x != y)
            {
                return x < y ? -1 : 1;
            }
        }

        return a.Length.CompareTo(b.Length);
    }
}
