namespace Tracelens.Model;

/// <summary>The coding-agent harness a step was recorded by.</summary>
public enum Provider
{
    Claude,
    Codex,
    OpenCode,
}

public static class Providers
{
    /// <summary>The lower-case name used in rows and on the command line.</summary>
    public static string WireName(this Provider provider) => provider switch
    {
        Provider.Claude => "claude",
        Provider.Codex => "codex",
        Provider.OpenCode => "opencode",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public static bool TryParse(string? name, out Provider provider)
    {
        switch (name)
        {
            case "claude":
                provider = Provider.Claude;
                return true;
            case "codex":
                provider = Provider.Codex;
                return true;
            case "opencode":
                provider = Provider.OpenCode;
                return true;
            default:
                provider = default;
                return false;
        }
    }
}
