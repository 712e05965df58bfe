namespace Tracelens.Readers.OpenCode;

/// <summary>One OpenCode session: its session file and the storage root that holds its messages and parts.</summary>
/// <param name="StorageRoot">The <c>storage</c> folder (holds <c>session/</c>, <c>message/</c>, <c>part/</c>).</param>
/// <param name="SessionFile">The <c>session/&lt;scope&gt;/ses_*.json</c> file.</param>
/// <param name="SessionFileLabel">What to write as <c>session_file</c> (defaults to <paramref name="SessionFile"/>).</param>
public sealed record OpenCodeSessionSource(string StorageRoot, string SessionFile, string? SessionFileLabel = null);

/// <summary>
/// Where OpenCode keeps its JSON file storage (burn-spec §3.5) and which sessions it holds:
/// <c>&lt;data&gt;/opencode/storage/session/&lt;scope&gt;/ses_*.json</c>, found recursively.
/// </summary>
public static class OpenCodeStorage
{
    /// <summary>
    /// The storage root OpenCode writes to: <c>$XDG_DATA_HOME/opencode/storage</c> when that variable
    /// is set and not empty, else <c>~/.local/share/opencode/storage</c> (on every platform, as
    /// OpenCode's xdg-basedir lookup does).
    /// </summary>
    public static string DefaultRoot(string home, string? xdgDataHome)
    {
        var data = string.IsNullOrWhiteSpace(xdgDataHome) ? Path.Combine(home, ".local", "share") : xdgDataHome.Trim();
        return Path.Combine(data, "opencode", "storage");
    }

    /// <summary>
    /// Every <c>ses_*.json</c> below <c>&lt;root&gt;/session</c>, ordered by relative path (ordinal,
    /// '/'-separated). Unreadable folders are skipped and reported to <paramref name="problems"/>.
    /// </summary>
    public static List<OpenCodeSessionSource> FindSessions(string storageRoot, List<string>? problems = null)
    {
        var sessionDir = Path.Combine(storageRoot, "session");
        var found = new List<(string Relative, string File)>();
        if (!Directory.Exists(sessionDir))
        {
            return [];
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            IgnoreInaccessible = true,
            MatchCasing = MatchCasing.CaseInsensitive,
            AttributesToSkip = FileAttributes.ReparsePoint,
        };
        try
        {
            foreach (var file in Directory.EnumerateFiles(sessionDir, "ses_*.json", options))
            {
                found.Add((Path.GetRelativePath(sessionDir, file).Replace('\\', '/'), file));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems?.Add($"{sessionDir}: {e.Message}");
        }

        found.Sort((a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        return found.ConvertAll(f => new OpenCodeSessionSource(storageRoot, f.File));
    }
}
