using Tracelens.Model;

namespace Tracelens.Readers;

/// <summary>
/// Where the next incremental read of an append-only session log starts, and the reader state it
/// needs there. It sits on the first line of the file's last step (the line its model output
/// starts at): that step (and anything after it) may still grow — more snapshots of the same
/// message, results of its tool calls — so it is re-read on every change, while everything
/// before the checkpoint is final.
/// </summary>
/// <param name="Offset">Byte offset of the first re-read line (0: read the whole file).</param>
/// <param name="LineNumber">Number of lines before <paramref name="Offset"/>.</param>
/// <param name="RoundIndex">Round index of the step that starts at <paramref name="Offset"/>.</param>
/// <param name="PendingEvents">How many of that step's leading timing events came from lines before <paramref name="Offset"/>.</param>
/// <param name="LineFingerprint">Identity of the line at <paramref name="Offset"/>: a file rewritten in place is caught by it.</param>
/// <param name="SyntheticRecords">Synthetic (API error) records before <paramref name="Offset"/>.</param>
/// <param name="HeadFingerprint">Identity of the file's first bytes (up to <see cref="HeadBytes"/>, never past <paramref name="Offset"/>): a file rewritten from the top is caught by it.</param>
/// <param name="ReaderState">What else the reader needs at <paramref name="Offset"/>, in its own format (Codex: the session-wide state); null when nothing.</param>
public sealed record ReadCheckpoint(long Offset, long LineNumber, int RoundIndex, int PendingEvents, long LineFingerprint, long SyntheticRecords, long HeadFingerprint = 0,
    byte[]? ReaderState = null)
{
    /// <summary>Read the file from its start.</summary>
    public static readonly ReadCheckpoint Start = new(0, 0, 0, 0, 0, 0);

    /// <summary>How much of a file's start <see cref="HeadFingerprint"/> covers.</summary>
    public const int HeadBytes = 4096;

    /// <summary>
    /// Reads up to <see cref="HeadBytes"/> from the start of a file. Taken before a read, so a file
    /// rewritten during the read leaves a stale head and is read whole next time.
    /// </summary>
    public static byte[] ReadHead(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var head = new byte[HeadBytes];
        var n = RandomAccess.Read(handle, head, 0);
        return head[..n];
    }

    /// <summary>
    /// Whether the record a resumed read met first is the checkpoint line, where it was: otherwise
    /// the file was rewritten before the checkpoint and must be read whole.
    /// </summary>
    public bool IsAt(JsonlLineReader lines) => lines.LineOffset == Offset && Fingerprint(lines.LastRecord) == LineFingerprint;

    /// <summary>The fingerprint of the part of <paramref name="head"/> before <paramref name="offset"/>.</summary>
    public static long HeadFingerprintOf(ReadOnlySpan<byte> head, long offset) =>
        Fingerprint(head[..(int)Math.Min(head.Length, offset)]);

    /// <summary>
    /// A cheap identity of a line: its length and a hash of its first 512 and last 64 bytes (a
    /// Claude record starts with its uuid and timestamp, so this tells lines apart). Eight bytes
    /// at a time; a changed value only costs one full re-read of the file.
    /// </summary>
    public static long Fingerprint(ReadOnlySpan<byte> line)
    {
        var hash = 14695981039346656037UL ^ (ulong)line.Length;
        Mix(ref hash, line[..Math.Min(line.Length, 512)]);
        Mix(ref hash, line[Math.Max(0, line.Length - 64)..]);
        return (long)hash;
    }

    private static void Mix(ref ulong hash, ReadOnlySpan<byte> bytes)
    {
        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(bytes);
        foreach (var word in words)
        {
            hash = (hash ^ word) * 0x9E3779B97F4A7C15UL;
            hash ^= hash >> 29;
        }

        foreach (var b in bytes[(words.Length * 8)..])
        {
            hash = (hash ^ b) * 1099511628211UL;
        }
    }
}

/// <summary>
/// The state an incremental read resumes with: the stored checkpoint and the input events that
/// preceded it. A resumed read cannot know on its own whether the tail continues something from
/// before the checkpoint (a message continued, a tool result for an earlier call, a Codex call id
/// used again): it reports the ids of the steps it created and the tool call ids it could not tell
/// apart from earlier ones, and the caller checks those
/// against what it stored, reading the whole file when one matches — so an incremental read
/// always equals a full one.
/// </summary>
public sealed record ResumeState(ReadCheckpoint Checkpoint, IReadOnlyList<TimingEvent> PendingEvents);
