using System.Buffers;
using System.Text;

namespace Tracelens.Sanitize;

/// <summary>
/// Which keys of a normalized round row are private (tracelab-spec §4.2): one definition shared by
/// the sanitizers and the <see cref="LeakGate"/>.
/// </summary>
public static class PrivacyRules
{
    private static readonly HashSet<string> SensitiveKeys = new(StringComparer.Ordinal)
    {
        "cwd", "home", "host", "hostname", "file_path", "filepath", "repo_url", "repository_url", "session_file", "workdir",
    };

    // Keys made only of these are already normalized (the common case: snake_case names).
    private static readonly SearchValues<char> NormalKeyChars = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789_.");

    private static readonly HashSet<string> UserKeys = new(StringComparer.Ordinal) { "user", "user_name", "username" };

    /// <summary>A key as the rules compare it: Python's <c>key.lower().replace("-", "_")</c>.</summary>
    public static string NormalizeKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!key.AsSpan().ContainsAnyExcept(NormalKeyChars))
        {
            return key;
        }

        var sb = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            switch (c)
            {
                case '-':
                    sb.Append('_');
                    break;
                case '\u0130':
                    // Python's full lowercase mapping of 'İ' is "i̇" (two code points), so "fİlepath" is not "filepath".
                    sb.Append("i\u0307");
                    break;
                default:
                    sb.Append(char.ToLowerInvariant(c));
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>A path-like or host-like key whose whole subtree a sanitized row must not contain.</summary>
    public static bool IsSensitiveKey(string key) => IsSensitiveNormalized(NormalizeKey(key));

    /// <summary>A key that names a user (<c>user</c>, <c>user_name</c>, <c>username</c>, any case, <c>-</c> or <c>_</c>).</summary>
    public static bool IsUserKey(string key) => UserKeys.Contains(NormalizeKey(key));

    internal static bool IsUserNormalized(string normalized) => UserKeys.Contains(normalized);

    internal static bool IsSensitiveNormalized(string normalized) =>
        SensitiveKeys.Contains(normalized)
        || normalized.EndsWith("_path", StringComparison.Ordinal)
        || normalized.EndsWith("filepath", StringComparison.Ordinal);
}
