using System.Globalization;
using System.Text.Json;

namespace Tracelens.Hotspots;

/// <summary>
/// The length (in characters) at which Claude Code cuts a Bash result: <c>env.BASH_MAX_OUTPUT_LENGTH</c>
/// from <c>&lt;cwd&gt;/.claude/settings.json</c>, else from <c>~/.claude/settings.json</c>, else Claude
/// Code's default of 30,000. Claude Code cuts silently (the result carries no marker), so a result
/// that reaches this length is taken as truncated.
/// </summary>
public sealed class ShellOutputCap(string home)
{
    /// <summary>Claude Code's Bash output limit when no settings file sets one.</summary>
    public const int DefaultChars = 30_000;

    private const string SettingName = "BASH_MAX_OUTPUT_LENGTH";

    // Reference-type values only: the lookup runs once per working directory in a short-lived command.
    private readonly Dictionary<string, CapSetting> _byCwd = new(StringComparer.Ordinal);
    private CapSetting? _user;
    private bool _userRead;

    /// <summary>The cap in force for a session run in <paramref name="cwd"/> (project settings win).</summary>
    public CapSetting For(string? cwd)
    {
        var key = cwd ?? string.Empty;
        if (!_byCwd.TryGetValue(key, out var cap))
        {
            cap = (cwd is { Length: > 0 } ? Read(Path.Combine(cwd, ".claude", "settings.json")) : null)
                  ?? User()
                  ?? new CapSetting(DefaultChars, null);
            _byCwd[key] = cap;
        }

        return cap;
    }

    /// <summary>The user-level setting (<c>~/.claude/settings.json</c>), null when it sets none.</summary>
    public CapSetting? User()
    {
        if (!_userRead)
        {
            _user = Read(Path.Combine(home, ".claude", "settings.json"));
            _userRead = true;
        }

        return _user;
    }

    /// <summary>Every settings file (user, then the given projects') that sets the cap, for the tool-output-bloat config signal.</summary>
    public IReadOnlyList<CapSetting> Configured(IEnumerable<string?> cwds)
    {
        var found = new List<CapSetting>();
        if (User() is { Path: not null } user)
        {
            found.Add(user);
        }

        foreach (var cwd in cwds.Where(c => !string.IsNullOrEmpty(c)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (Read(Path.Combine(cwd!, ".claude", "settings.json")) is { } project)
            {
                found.Add(project);
            }
        }

        return found;
    }

    private static CapSetting? Read(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("env", out var env) && env.ValueKind == JsonValueKind.Object
                && env.TryGetProperty(SettingName, out var value))
            {
                // Claude Code reads env values as strings; a number is accepted too.
                var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var chars) && chars > 0)
                {
                    return new CapSetting(chars, path);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // An unreadable or malformed settings file sets nothing, as Claude Code ignores it too.
        }

        return null;
    }
}

/// <summary>A Bash output cap in characters and the settings file that set it (null: Claude Code's default).</summary>
public sealed record CapSetting(int Chars, string? Path);
