namespace Tracelens.Pricing;

/// <summary>
/// How model names written by harnesses and gateways are reduced to a price key. Every comparison
/// uses the canonical form: lower case, dots spelled as dashes (<c>claude-sonnet-4.5</c> is
/// <c>claude-sonnet-4-5</c>; <c>gpt-5.1</c> is <c>gpt-5-1</c>, which no other key collides with).
/// </summary>
internal static class ModelNames
{
    /// <summary>
    /// Name parts that mark a differently priced sibling: a prefix match never crosses them, so
    /// <c>gpt-5.4-codex-mini</c> is unpriced rather than billed at <c>gpt-5.4</c>'s rate.
    /// </summary>
    private static readonly HashSet<string> VariantWords = new(StringComparer.Ordinal)
    {
        "mini", "nano", "pro", "max", "fast", "deep", "search", "realtime", "audio", "image",
    };

    public static string Canonical(string name) => name.Trim().ToLowerInvariant().Replace('.', '-');

    /// <summary>
    /// The name in successively more normalized canonical forms, each yielded once: without a
    /// provider path (<c>anthropic/</c>, <c>openrouter/openai/</c>, <c>bedrock/…/</c>), without
    /// Bedrock's region and vendor prefix and <c>-v1:0</c> suffix, without a <c>:variant</c> or
    /// <c>@version</c> suffix (Vertex <c>@20250929</c>), without a date suffix (<c>-20250929</c>,
    /// <c>-2025-08-07</c>), without <c>-latest</c>.
    /// </summary>
    public static IEnumerable<string> Normalizations(string name)
    {
        var current = name.Trim().ToLowerInvariant();
        var seen = new HashSet<string>(StringComparer.Ordinal) { Canonical(current) };
        foreach (var step in Steps)
        {
            current = step(current);
            var canonical = Canonical(current);
            if (canonical.Length > 0 && seen.Add(canonical))
            {
                yield return canonical;
            }
        }
    }

    /// <summary>
    /// The most normalized canonical form (no provider path, decorations, date or <c>-latest</c>):
    /// two names that differ only in those parts name the same model.
    /// </summary>
    public static string Normalized(string name) => Normalizations(name).LastOrDefault() ?? Canonical(name);

    private static readonly Func<string, string>[] Steps =
    [
        s => s[(s.LastIndexOf('/') + 1)..],
        WithoutBedrockVersion,
        WithoutBedrockPrefix,
        s => s.IndexOf(':', StringComparison.Ordinal) is var i and >= 0 ? s[..i] : s,
        s => s.IndexOf('@', StringComparison.Ordinal) is var i and >= 0 ? s[..i] : s,
        WithoutDateSuffix,
        s => s.EndsWith("-latest", StringComparison.Ordinal) ? s[..^"-latest".Length] : s,
    ];

    /// <summary>
    /// Whether canonical <paramref name="name"/> is <paramref name="key"/> plus a suffix that names
    /// a variant priced like it (<c>claude-sonnet-4-5-thinking</c>, <c>gpt-5.3-codex-spark</c>): the
    /// suffix must not start with a version number (<c>claude-opus-4-9</c> is not
    /// <c>claude-opus-4</c>; an 8-digit date is allowed) and must not contain a
    /// <see cref="VariantWords">size word</see>.
    /// </summary>
    public static bool IsVariantOf(string name, string key)
    {
        if (name.Length <= key.Length + 1 || !name.StartsWith(key, StringComparison.Ordinal) || name[key.Length] != '-')
        {
            return false;
        }

        var parts = name[(key.Length + 1)..].Split('-');
        if (parts[0].Length > 0 && char.IsAsciiDigit(parts[0][0]) && !(parts[0].Length == 8 && parts[0].All(char.IsAsciiDigit)))
        {
            return false;
        }

        return !parts.Any(VariantWords.Contains);
    }

    // The three patterns below are matched by hand, not with regular expressions: resolving a model
    // name is on every report's path, and loading the regex engine cost each run milliseconds.

    /// <summary>Without Bedrock's <c>-v1</c> or <c>-v1:0</c> suffix (<c>-v\d+(:\d+)?$</c>).</summary>
    private static string WithoutBedrockVersion(string s)
    {
        var end = DigitsBefore(s, s.Length);
        if (end < s.Length && end > 0 && s[end - 1] == ':' && DigitsBefore(s, end - 1) is var major && major < end - 1 && EndsWithV(s, major))
        {
            return s[..(major - 2)];
        }

        return end < s.Length && EndsWithV(s, end) ? s[..(end - 2)] : s;
    }

    /// <summary>Without Bedrock's region and vendor prefix: <c>anthropic.</c>, <c>us.anthropic.</c>, <c>us-gov.anthropic.</c>.</summary>
    private static string WithoutBedrockPrefix(string s)
    {
        const string Vendor = "anthropic.";
        if (s.StartsWith(Vendor, StringComparison.Ordinal))
        {
            return s[Vendor.Length..];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0 || !s.AsSpan(dot + 1).StartsWith(Vendor, StringComparison.Ordinal))
        {
            return s;
        }

        var region = s.AsSpan(0, dot);
        if (region.EndsWith("-gov", StringComparison.Ordinal))
        {
            region = region[..^4];
        }

        return region.Length is >= 2 and <= 6 && !region.ContainsAnyExceptInRange('a', 'z') ? s[(dot + 1 + Vendor.Length)..] : s;
    }

    /// <summary>Without a date suffix: <c>-20250929</c> or <c>-2025-09-29</c>.</summary>
    private static string WithoutDateSuffix(string s)
    {
        if (s.Length >= 9 && s[^9] == '-' && !s.AsSpan(s.Length - 8).ContainsAnyExceptInRange('0', '9'))
        {
            return s[..^9];
        }

        var tail = s.Length >= 11 ? s.AsSpan(s.Length - 11) : default;
        return tail.Length == 11 && tail[0] == '-' && tail[5] == '-' && tail[8] == '-'
            && !tail[1..5].ContainsAnyExceptInRange('0', '9') && !tail[6..8].ContainsAnyExceptInRange('0', '9') && !tail[9..].ContainsAnyExceptInRange('0', '9')
            ? s[..^11]
            : s;
    }

    /// <summary>Where the run of ASCII digits that ends at <paramref name="end"/> starts (<paramref name="end"/> when there is none).</summary>
    private static int DigitsBefore(string s, int end)
    {
        var i = end;
        while (i > 0 && char.IsAsciiDigit(s[i - 1]))
        {
            i--;
        }

        return i;
    }

    private static bool EndsWithV(string s, int end) => end >= 2 && s[end - 2] == '-' && s[end - 1] == 'v';
}
