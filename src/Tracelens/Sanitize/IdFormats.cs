using System.Text;
using System.Text.RegularExpressions;

namespace Tracelens.Sanitize;

/// <summary>The kinds of identifier a sanitizer pseudonymizes; each kind has its own mapping.</summary>
public enum IdKind
{
    User,
    Project,
    SessionId,
    TurnId,
    RoundId,
    ToolCallId,
    AssistantUuid,
    TraceKey,
}

/// <summary>Where the characters of a pseudonym come from (a seeded stream or a keyed hash).</summary>
internal interface IIdCharSource
{
    /// <summary>One of <c>0-9a-f</c>.</summary>
    char NextHex();

    /// <summary>One of <c>A-Za-z0-9</c>.</summary>
    char NextBase62();
}

/// <summary>
/// The replacement formats of tracelab-spec §4.1, independent of where the characters come from.
/// </summary>
internal static partial class IdFormats
{
    public const string HexAlphabet = "0123456789abcdef";
    public const string Base62Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    // Same patterns as TraceLab's; like Python's re, .NET's '$' also matches before a final '\n'.
    [GeneratedRegex("^(msg_|toolu_)([0-9a-fA-F]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixHex();

    [GeneratedRegex("^(call_)([A-Za-z0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex PrefixBase62();

    [GeneratedRegex("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$", RegexOptions.CultureInvariant)]
    private static partial Regex Uuid();

    [GeneratedRegex("^[0-9a-fA-F]+$", RegexOptions.CultureInvariant)]
    private static partial Regex AllHex();

    /// <summary>The prefix an unrecognized id of this kind gets before 16 hex characters.</summary>
    public static string FallbackPrefix(IdKind kind) => kind switch
    {
        IdKind.TurnId => "turn_",
        IdKind.RoundId => "round_",
        IdKind.ToolCallId => "call_",
        IdKind.AssistantUuid => "assistant_",
        IdKind.TraceKey => "trace_",
        _ => "id_",
    };

    /// <summary>The name of a kind as TraceLab spells it (also the keyed hash's domain label).</summary>
    public static string Name(IdKind kind) => kind switch
    {
        IdKind.User => "user",
        IdKind.Project => "project",
        IdKind.SessionId => "session_id",
        IdKind.TurnId => "turn_id",
        IdKind.RoundId => "round_id",
        IdKind.ToolCallId => "tool_call_id",
        IdKind.AssistantUuid => "assistant_uuid",
        IdKind.TraceKey => "trace_key",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static string User(IIdCharSource source) => "user_" + Hex(source, 8);

    public static string Project(IIdCharSource source) => "project_" + Hex(source, 8);

    public static string Session(string provider, IIdCharSource source) => provider + ":" + UuidLike(source);

    /// <summary>
    /// An atomic id's replacement, shaped after the original: <c>msg_</c>/<c>toolu_</c> + same-length
    /// hex; <c>call_</c> + same-length base62; uuid-like for a UUID; same-length hex for 12+ hex
    /// characters; otherwise the kind's fallback prefix + 16 hex.
    /// </summary>
    public static string Atomic(IdKind kind, string original, IIdCharSource source)
    {
        var match = PrefixHex().Match(original);
        if (match.Success)
        {
            return match.Groups[1].Value + Hex(source, match.Groups[2].Length);
        }

        match = PrefixBase62().Match(original);
        if (match.Success)
        {
            return match.Groups[1].Value + Base62(source, match.Groups[2].Length);
        }

        if (Uuid().IsMatch(original))
        {
            return UuidLike(source);
        }

        // Python's len(): the string matched ^hex+$, so it is ASCII plus at most a final '\n'.
        if (original.Length >= 12 && AllHex().IsMatch(original))
        {
            return Hex(source, original.Length);
        }

        return FallbackPrefix(kind) + Hex(source, 16);
    }

    /// <summary>8-4-4-4-12 random lowercase hex (no version bits).</summary>
    public static string UuidLike(IIdCharSource source)
    {
        var sb = new StringBuilder(36);
        AppendHex(sb, source, 8).Append('-');
        AppendHex(sb, source, 4).Append('-');
        AppendHex(sb, source, 4).Append('-');
        AppendHex(sb, source, 4).Append('-');
        AppendHex(sb, source, 12);
        return sb.ToString();
    }

    /// <summary>Python's <c>str.isdigit()</c> on a non-empty string (decimal and other digit characters).</summary>
    public static bool IsPythonDigits(string s)
    {
        if (s.Length == 0)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i += char.IsSurrogatePair(s, i) ? 2 : 1)
        {
            if (System.Globalization.CharUnicodeInfo.GetDigitValue(s, i) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string Hex(IIdCharSource source, int length) => AppendHex(new StringBuilder(length), source, length).ToString();

    private static StringBuilder AppendHex(StringBuilder sb, IIdCharSource source, int length)
    {
        for (var i = 0; i < length; i++)
        {
            sb.Append(source.NextHex());
        }

        return sb;
    }

    private static string Base62(IIdCharSource source, int length)
    {
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            sb.Append(source.NextBase62());
        }

        return sb.ToString();
    }
}
