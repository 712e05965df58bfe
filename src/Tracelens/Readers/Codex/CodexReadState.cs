using System.Text;

namespace Tracelens.Readers.Codex;

/// <summary>
/// The session-wide state of a Codex rollout read at one line: which session the file belongs to,
/// the turn context in force, the last accepted cumulative usage and how many calls each turn and
/// session has had. A resumed read starts from it, so the tail gives the rows a full read would.
/// Stored with the cursor as a small versioned binary value (<see cref="Serialize"/>); a value this
/// build cannot read makes the next read a full one, never a wrong one.
/// </summary>
internal sealed class CodexReadState
{
    private const byte FormatVersion = 1;

    public string? FileSessionMetaId;
    public string? SessionMetaId;
    public string? ParentSessionMetaId;
    public bool IsSubagentFile;
    public string? TurnId;
    public string? Model;
    public string? Cwd;

    /// <summary>Identity of the last accepted <c>total_token_usage</c>: an equal one is an echo.</summary>
    public string? LastTotalSignature;

    /// <summary>The last accepted cumulative usage (input, cached, output, reasoning); null before the first.</summary>
    public (long Input, long Cached, long Output, long Reasoning)? LastTotal;

    /// <summary>Calls so far per turn id (a step's <c>round_id</c> suffix).</summary>
    public Dictionary<string, int> CallsPerTurn = new(StringComparer.Ordinal);

    /// <summary>Calls so far per session id (a step's <c>round_index</c>).</summary>
    public Dictionary<string, int> CallsPerSession = new(StringComparer.Ordinal);

    /// <summary>The scalar fields as they stand (the dictionaries are shared, not copied).</summary>
    public CodexReadState Snapshot() => (CodexReadState)MemberwiseClone();

    public byte[] Serialize()
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(FormatVersion);
            foreach (var text in (ReadOnlySpan<string?>)[FileSessionMetaId, SessionMetaId, ParentSessionMetaId, TurnId, Model, Cwd, LastTotalSignature])
            {
                WriteText(w, text);
            }

            w.Write(IsSubagentFile);
            w.Write(LastTotal is not null);
            if (LastTotal is { } total)
            {
                w.Write(total.Input);
                w.Write(total.Cached);
                w.Write(total.Output);
                w.Write(total.Reasoning);
            }

            WriteCounts(w, CallsPerTurn);
            WriteCounts(w, CallsPerSession);
        }

        return buffer.ToArray();
    }

    /// <summary>The state <see cref="Serialize"/> wrote; null for a value of another format or a damaged one.</summary>
    public static CodexReadState? Deserialize(byte[]? bytes)
    {
        if (bytes is not { Length: > 0 } || bytes[0] != FormatVersion)
        {
            return null;
        }

        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes, 1, bytes.Length - 1), Encoding.UTF8);
            var state = new CodexReadState
            {
                FileSessionMetaId = ReadText(r),
                SessionMetaId = ReadText(r),
                ParentSessionMetaId = ReadText(r),
                TurnId = ReadText(r),
                Model = ReadText(r),
                Cwd = ReadText(r),
                LastTotalSignature = ReadText(r),
                IsSubagentFile = r.ReadBoolean(),
            };
            if (r.ReadBoolean())
            {
                state.LastTotal = (r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
            }

            ReadCounts(r, state.CallsPerTurn);
            ReadCounts(r, state.CallsPerSession);
            return r.BaseStream.Position == r.BaseStream.Length ? state : null;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    private static void WriteText(BinaryWriter w, string? text)
    {
        w.Write(text is not null);
        if (text is not null)
        {
            w.Write(text);
        }
    }

    private static string? ReadText(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteCounts(BinaryWriter w, Dictionary<string, int> counts)
    {
        // Sorted: equal states serialize to equal bytes.
        w.Write(counts.Count);
        foreach (var (key, count) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            w.Write(key);
            w.Write(count);
        }
    }

    private static void ReadCounts(BinaryReader r, Dictionary<string, int> counts)
    {
        var n = r.ReadInt32();
        if (n < 0)
        {
            throw new FormatException("negative count");
        }

        for (var i = 0; i < n; i++)
        {
            counts[r.ReadString()] = r.ReadInt32();
        }
    }
}
