using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Tracelens.Json;

namespace Tracelens.Sanitize;

/// <summary>What the <see cref="LeakGate"/> knows about the machine it runs on.</summary>
public sealed record LeakGateOptions
{
    /// <summary>The local user's login name; a string holding it as a word is a leak. Null: not checked.</summary>
    public string? UserName { get; init; }

    /// <summary>The local user's home folder; a string containing it is a leak. Null: not checked.</summary>
    public string? HomePath { get; init; }

    /// <summary>No machine-specific checks (the generic rules still apply).</summary>
    public static LeakGateOptions None { get; } = new();

    /// <summary>The current user's name and home folder, as .NET reports them.</summary>
    public static LeakGateOptions ForCurrentUser() => new()
    {
        UserName = Environment.UserName,
        HomePath = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
    };
}

/// <summary>Why a value was flagged.</summary>
public enum LeakReason
{
    /// <summary>
    /// A path-like or host-like key (<see cref="PrivacyRules.IsSensitiveKey"/>, or any key ending in
    /// path, paths, dir or directory), reported once for its subtree.
    /// </summary>
    SensitiveKey,

    /// <summary>A surviving <c>tools[i].input</c>.</summary>
    ToolInput,

    /// <summary>A user key whose string value is not a <c>user_&lt;8 hex&gt;</c> pseudonym.</summary>
    UserValue,

    /// <summary>A string containing a home-folder path (any user's, or the configured one).</summary>
    HomePath,

    /// <summary>A string containing the configured user name as a word.</summary>
    UserName,

    /// <summary>A string that is, or contains a word that is, an absolute path.</summary>
    AbsolutePath,
}

/// <summary>One leak: the breadcrumb of the offending key or value (<c>cwd</c>, <c>tools[0].input</c>, <c>a.b[2]</c>).</summary>
public sealed record LeakFinding(string Path, LeakReason Reason)
{
    public override string ToString() => $"{Path} ({Describe(Reason)})";

    private static string Describe(LeakReason reason) => reason switch
    {
        LeakReason.SensitiveKey => "sensitive key",
        LeakReason.ToolInput => "tool input",
        LeakReason.UserValue => "user value not pseudonymized",
        LeakReason.HomePath => "home directory path",
        LeakReason.UserName => "local user name",
        LeakReason.AbsolutePath => "absolute path",
        _ => reason.ToString(),
    };
}

/// <summary>
/// The check every export that claims to be sanitized must pass: TraceLab's <c>find_sensitive</c>
/// (tracelab-spec §4.5: any sensitive key anywhere, any surviving <c>tools[i].input</c>) made
/// stricter: more path-like keys (<c>logPath</c>, <c>projectDir</c>), un-pseudonymized user values,
/// and strings holding home-folder paths (<c>/home/x</c>, <c>/Users/x</c>, <c>/root</c>,
/// <c>C:\Users\x</c>, Claude's <c>-home-x-…</c> project names), the local user's name or home, or
/// absolute paths. Keys are checked like values. Instances hold no mutable state and may be shared.
/// </summary>
public sealed partial class LeakGate
{
    // Keys and values the extractors write from a fixed vocabulary (tracelab-spec §3): they cannot
    // carry a user name, so a local user called "user" or "claude" does not make every row leak.
    private static readonly HashSet<string> SchemaVocabulary = new(StringComparer.Ordinal)
    {
        "provider", "project", "session_id", "session_file", "round_index", "round_id", "turn_id", "cwd", "model",
        "input_tokens_total", "prefix_tokens", "newly_append_tokens", "claude_uncached_input_tokens",
        "claude_cache_creation_input_tokens", "claude_cache_read_input_tokens", "output_tokens",
        "reasoning_output_tokens", "timing_events", "tools", "current_input_event_count", "current_user_message_count",
        "current_tool_result_count", "current_user_message_chars", "current_tool_result_chars", "current_input_chars",
        "first_input_event_type", "home", "user", "store", "trace_key", "tool_index", "tool_name", "tool_call_id",
        "emitted_at", "result_at", "input", "input_chars", "result_chars", "tool_wall_latency_ms",
        "tool_internal_latency_ms", "is_error", "_assistant_uuid", "event_type", "timestamp", "source", "content_chars",
        "claude", "codex", ".claude", ".claude.back", ".codex",
        "user_message", "tool_result", "reasoning", "text", "tool_call", "usage_report",
        "user.message", "user.content.tool_result", "assistant.content.thinking", "assistant.content.text",
        "assistant.content.tool_use", "event_msg.user_message", "event_msg.exec_command_end",
        "event_msg.patch_apply_end", "event_msg.token_count", "response_item.function_call_output",
        "response_item.custom_tool_call_output", "response_item.reasoning", "response_item.message",
        "response_item.function_call", "response_item.custom_tool_call",
    };

    private static readonly char[] WordSeparators =
        [' ', '\t', '\n', '\r', '\f', '\v', '"', '\'', '`', ',', ';', '=', '(', ')', '[', ']', '{', '}', '<', '>', '|'];

    private readonly string? _userName;
    private readonly string? _homePath;
    private readonly string? _encodedHomePath;

    public LeakGate(LeakGateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _userName = string.IsNullOrWhiteSpace(options.UserName) ? null : options.UserName.Trim();
        var home = options.HomePath?.Trim().TrimEnd('/', '\\');
        if (!string.IsNullOrEmpty(home) && home.Length >= 2)
        {
            _homePath = home;

            // Claude names a project folder after its cwd with every non-alphanumeric turned into '-'.
            _encodedHomePath = new string([.. home.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);
        }
    }

    /// <summary>The breadcrumbs of everything that must not leave the machine; empty when clean.</summary>
    public IReadOnlyList<LeakFinding> Find(PyValue row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var found = new List<LeakFinding>();
        Scan(row, [], inTool: false, found);
        return found;
    }

    /// <summary>True when <see cref="Find"/> would report anything.</summary>
    public bool HasLeak(PyValue row) => Find(row).Count > 0;

    /// <summary>
    /// The reason a single string (a value or a key) leaks, or null when it does not.
    /// (<see cref="Find"/> does not ask about the schema's own key names and fixed values.)
    /// </summary>
    public LeakReason? CheckString(string s)
    {
        ArgumentNullException.ThrowIfNull(s);

        // Every path pattern needs a separator; most values (timestamps, names, ids) have none.
        var hasSeparator = s.AsSpan().IndexOfAny('/', '\\') >= 0;
        if ((hasSeparator && HomeDirectory().IsMatch(s)) || (s.Contains('-', StringComparison.Ordinal) && EncodedHomeDirectory().IsMatch(s)) || ContainsLocalHome(s))
        {
            return LeakReason.HomePath;
        }

        if (_userName is not null && ContainsWord(s, _userName))
        {
            return LeakReason.UserName;
        }

        return hasSeparator && LooksLikeAbsolutePath(s) ? LeakReason.AbsolutePath : null;
    }

    // The breadcrumb is kept as a stack of segments (a key, or an index when the key is null) and
    // only turned into a string when something is found.
    private void Scan(PyValue value, List<(string? Key, int Index)> path, bool inTool, List<LeakFinding> found)
    {
        switch (value)
        {
            case PyObject obj:
                foreach (var (key, child) in obj)
                {
                    path.Add((key, 0));
                    ScanMember(key, child, path, inTool, found);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case PyArray arr:
                for (var i = 0; i < arr.Count; i++)
                {
                    path.Add((null, i));
                    Scan(arr[i], path, inTool: false, found);
                    path.RemoveAt(path.Count - 1);
                }

                break;
            case PyString str:
                if (!SchemaVocabulary.Contains(str.Value) && CheckString(str.Value) is { } reason)
                {
                    found.Add(new LeakFinding(Breadcrumb(path), reason));
                }

                break;
        }
    }

    private void ScanMember(string key, PyValue child, List<(string? Key, int Index)> path, bool inTool, List<LeakFinding> found)
    {
        var normalized = PrivacyRules.NormalizeKey(key);
        if (PrivacyRules.IsSensitiveNormalized(normalized) || IsPathLikeKey(normalized))
        {
            found.Add(new LeakFinding(Breadcrumb(path), LeakReason.SensitiveKey));
            return;
        }

        if (inTool && key == "input")
        {
            found.Add(new LeakFinding(Breadcrumb(path), LeakReason.ToolInput));
            return;
        }

        if (!SchemaVocabulary.Contains(key) && CheckString(key) is { } keyReason)
        {
            found.Add(new LeakFinding(Breadcrumb(path), keyReason));
        }

        if (PrivacyRules.IsUserNormalized(normalized) && child is PyString user && !UserPseudonym().IsMatch(user.Value))
        {
            found.Add(new LeakFinding(Breadcrumb(path), LeakReason.UserValue));
            return;
        }

        if (path.Count == 1 && key == "tools" && child is PyArray tools)
        {
            for (var i = 0; i < tools.Count; i++)
            {
                path.Add((null, i));
                Scan(tools[i], path, inTool: true, found);
                path.RemoveAt(path.Count - 1);
            }

            return;
        }

        Scan(child, path, inTool: false, found);
    }

    // TraceLab's format: keys joined with '.', indexes as [i] ("tools[0].input", "a.b[2].c").
    private static string Breadcrumb(List<(string? Key, int Index)> path)
    {
        var sb = new StringBuilder();
        foreach (var (key, index) in path)
        {
            if (key is null)
            {
                sb.Append('[').Append(index.ToString(CultureInfo.InvariantCulture)).Append(']');
            }
            else
            {
                if (sb.Length > 0)
                {
                    sb.Append('.');
                }

                sb.Append(key);
            }
        }

        return sb.ToString();
    }

    // Beyond TraceLab's list: camelCase and plural path keys and folder keys ("logPath",
    // "search_paths", "projectDir", "working-directory"). The sanitizers keep TraceLab's list (so
    // the TraceLab modes stay byte-exact); a row holding one of these is refused instead.
    private static bool IsPathLikeKey(string normalized) =>
        normalized.EndsWith("path", StringComparison.Ordinal)
        || normalized.EndsWith("paths", StringComparison.Ordinal)
        || normalized.EndsWith("dir", StringComparison.Ordinal)
        || normalized.EndsWith("directory", StringComparison.Ordinal);

    private bool ContainsLocalHome(string s) =>
        _homePath is not null && (ContainsPathPrefix(s, _homePath) || ContainsPathPrefix(s, _encodedHomePath!));

    // prefix occurs, not inside a longer name ("/root" does not match "/rootfs", "-root" not "x-root").
    private static bool ContainsPathPrefix(string s, string prefix)
    {
        var from = 0;
        while (true)
        {
            var at = s.IndexOf(prefix, from, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }

            var end = at + prefix.Length;
            if ((at == 0 || !char.IsLetterOrDigit(s[at - 1])) && (end == s.Length || !char.IsLetterOrDigit(s[end])))
            {
                return true;
            }

            from = at + 1;
        }
    }

    // The name as a whole word: not next to a letter, digit or '_' (so "user_message" and
    // "user_1a2b3c4d" do not contain the user "user", but "user.message" or "/srv/user/x" do).
    private static bool ContainsWord(string s, string word)
    {
        var from = 0;
        while (true)
        {
            var at = s.IndexOf(word, from, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return false;
            }

            var end = at + word.Length;
            if ((at == 0 || !IsWordChar(s[at - 1])) && (end == s.Length || !IsWordChar(s[end])))
            {
                return true;
            }

            from = at + 1;
        }
    }

    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c == '_';

    // The whole value is a path ("/x", "C:\x", "C:/x", "\\server\x", "~/x"), or one of its words is a
    // path with at least two components ("cat /etc/passwd").
    private static bool LooksLikeAbsolutePath(string s)
    {
        if (PathRoot().IsMatch(s.TrimStart()))
        {
            return true;
        }

        foreach (var word in s.Split(WordSeparators, StringSplitOptions.RemoveEmptyEntries))
        {
            if (PathRoot().IsMatch(word) && HasTwoComponents(word))
            {
                return true;
            }
        }

        return false;
    }

    // "/etc/passwd", "C:\x\y", "~/x/y": two names below the root (a drive or "~user" is the root).
    private static bool HasTwoComponents(string word)
    {
        var parts = word.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries);
        var root = word[0] is '/' or '\\' ? 0 : 1;
        return parts.Length - root >= 2;
    }

    [GeneratedRegex(@"(?<![A-Za-z0-9._-])(?:[A-Za-z]:)?[\\/]+(?:home|Users)[\\/]+[^\\/\s]|(?<![A-Za-z0-9._-])(?:[A-Za-z]:)?[\\/]root(?:[\\/]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HomeDirectory();

    [GeneratedRegex(@"^(?:[A-Za-z]-)?-(?:home|Users)-[^-]|^-root(?:-|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EncodedHomeDirectory();

    [GeneratedRegex(@"^(?:/[^/\s]|[A-Za-z]:[\\/]|\\\\[^\\\s]|~[A-Za-z0-9._-]*[\\/])", RegexOptions.CultureInvariant)]
    private static partial Regex PathRoot();

    [GeneratedRegex("^user_[0-9a-f]{8}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserPseudonym();
}
