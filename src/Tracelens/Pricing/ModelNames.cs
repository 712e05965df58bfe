using System.Text.RegularExpressions;

namespace Tracelens.Pricing;

/// <summary>
/// How model names written by harnesses and gateways are reduced to a price key. Every comparison
/// uses the canonical form: lower case, dots spelled as dashes (<c>claude-sonnet-4.5</c> is
/// <c>claude-sonnet-4-5</c>; <c>gpt-5.1</c> is <c>gpt-5-1</c>, which no other key collides with).
/// </summary>
internal static partial class ModelNames
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
        s => BedrockVersion().Replace(s, string.Empty),
        s => BedrockPrefix().Replace(s, string.Empty),
        s => s.IndexOf(':', StringComparison.Ordinal) is var i and >= 0 ? s[..i] : s,
        s => s.IndexOf('@', StringComparison.Ordinal) is var i and >= 0 ? s[..i] : s,
        s => DateSuffix().Replace(s, string.Empty),
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

    [GeneratedRegex(@"-v\d+(:\d+)?$")]
    private static partial Regex BedrockVersion();

    [GeneratedRegex(@"^(?:[a-z]{2,6}(?:-gov)?\.)?anthropic\.")]
    private static partial Regex BedrockPrefix();

    [GeneratedRegex(@"-(?:\d{8}|\d{4}-\d{2}-\d{2})$")]
    private static partial Regex DateSuffix();
}
