using System.Runtime.CompilerServices;
using Tracelens.Json;

namespace Tracelens.Readers;

/// <summary>
/// Streams the lines of a JSONL file without ever holding the whole file: memory is bounded by
/// the longest line. Line breaks follow Python's universal newlines (<c>\n</c>, <c>\r\n</c>,
/// <c>\r</c>), which is how TraceLab's extractors iterate files.
/// </summary>
public sealed class JsonlLineReader : IDisposable
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private long _consumedBefore; // stream offset of _buffer[0]

    public JsonlLineReader(Stream stream, bool ownsStream = true, int bufferSize = 1 << 20)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    /// <summary>Opens a file for sequential reading, starting at <paramref name="offset"/>.</summary>
    public static JsonlLineReader Open(string path, long offset = 0, long startLineNumber = 0)
    {
        var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        if (offset > 0)
        {
            fs.Seek(offset, SeekOrigin.Begin);
        }

        // Small files get small buffers: thousands of session files must not each cost a megabyte.
        var remaining = Math.Max(0, fs.Length - offset);
        var size = (int)Math.Clamp(remaining + 1, 4096, 1 << 20);
        return new JsonlLineReader(fs, bufferSize: size) { _consumedBefore = offset, LineNumber = startLineNumber };
    }

    /// <summary>
    /// With <see cref="KeepHead"/>: up to <see cref="ReadCheckpoint.HeadBytes"/> bytes from the start
    /// of the file, as its first read found them (null when the reader started mid-file or has not
    /// read yet). Saves the ledger a second open and read per file for the head fingerprint.
    /// </summary>
    public byte[]? Head => _head;

    /// <summary>Whether to keep <see cref="Head"/> (only incremental reads need it; other reads skip the copy).</summary>
    public bool KeepHead { get; set; }

    private byte[]? _head;

    /// <summary>The array holding the line last returned (valid until the next read).</summary>
    public byte[] LineBuffer => _buffer;

    /// <summary>Index in <see cref="LineBuffer"/> where the line last returned starts.</summary>
    public int LineStart { get; private set; }

    /// <summary>The bytes of the line last returned (after in-place parsing, when it was parsed in place).</summary>
    public ReadOnlySpan<byte> LastRecord => _buffer.AsSpan(LineStart, _lineLength);

    private int _lineLength;

    /// <summary>
    /// When set, a last line without a line break that does not parse is taken to be still being
    /// written: it is neither returned nor reported, and <see cref="HeldBack"/> says so.
    /// </summary>
    public bool HoldBackUnfinishedLine { get; set; }

    /// <summary>Whether an unfinished last line was held back.</summary>
    public bool HeldBack { get; private set; }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>Byte offset of the start of the line last returned.</summary>
    public long LineOffset { get; private set; }

    /// <summary>Byte offset just after the last returned line and its line break.</summary>
    public long NextOffset { get; private set; }

    /// <summary>Whether the line last returned ended with a line break (false for a cut-off last line).</summary>
    public bool LineTerminated { get; private set; }

    /// <summary>
    /// Returns the next line (without its line break). The span is valid until the next call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            var k = pending.IndexOfAny((byte)'\n', (byte)'\r');
            if (k >= 0)
            {
                var breakLen = 1;
                if (pending[k] == (byte)'\r')
                {
                    if (k + 1 < pending.Length)
                    {
                        breakLen = pending[k + 1] == (byte)'\n' ? 2 : 1;
                    }
                    else if (!_eof)
                    {
                        // A '\r' at the end of the buffer may be the first half of "\r\n": read more first.
                        Fill();
                        continue;
                    }
                }

                line = pending[..k];
                _lineLength = k;
                LineStart = _start;
                LineOffset = _consumedBefore + _start;
                _start += k + breakLen;
                NextOffset = _consumedBefore + _start;
                LineTerminated = true;
                LineNumber++;
                return true;
            }

            if (_eof)
            {
                if (pending.Length == 0)
                {
                    line = default;
                    return false;
                }

                line = pending;
                _lineLength = pending.Length;
                LineStart = _start;
                LineOffset = _consumedBefore + _start;
                _start = _end;
                NextOffset = _consumedBefore + _start;
                LineTerminated = false;
                LineNumber++;
                return true;
            }

            Fill();
        }
    }

    /// <summary>
    /// Reads the next line that holds a JSON object record onto <paramref name="tape"/>, skipping blank
    /// lines and reporting every other unusable line (invalid UTF-8, invalid JSON, a cut-off last
    /// line, a non-object) to <paramref name="diagnostics"/>. Invalid UTF-8 is either a skipped line
    /// or, with <paramref name="replaceInvalidUtf8"/>, decoded with U+FFFD like Python's errors="replace".
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryReadRecord(JsonTape tape, string path, ReadDiagnostics diagnostics, bool replaceInvalidUtf8)
    {
        while (true)
        {
            if (TryParseNextLineInPlace(tape))
            {
                return true;
            }

            if (!TryReadLine(out var line))
            {
                return false;
            }

            if (IsBlank(line))
            {
                continue;
            }

            bool parsed;
            if (System.Text.Unicode.Utf8.IsValid(line))
            {
                parsed = tape.ParseInPlace(LineBuffer, LineStart, line.Length);
            }
            else if (replaceInvalidUtf8)
            {
                parsed = tape.Parse(System.Text.Encoding.UTF8.GetBytes(System.Text.Encoding.UTF8.GetString(line)));
            }
            else if (!LineTerminated && HoldBackUnfinishedLine)
            {
                HeldBack = true; // cut inside a multi-byte character while being written
                return false;
            }
            else
            {
                diagnostics.Skip(path, LineNumber, "invalid UTF-8");
                continue;
            }

            if (!parsed && !LineTerminated && HoldBackUnfinishedLine)
            {
                HeldBack = true;
                return false;
            }

            if (!parsed)
            {
                diagnostics.Skip(path, LineNumber, LineTerminated ? "invalid JSON" : "truncated last line", tape.Error);
                continue;
            }

            if (tape.KindOf(JsonTape.Root) != JsonKind.Object)
            {
                diagnostics.Skip(path, LineNumber, "not a JSON object");
                continue;
            }

            return true;
        }
    }

    /// <summary>
    /// The common case of <see cref="TryReadRecord"/> in one pass: a line that starts with an
    /// object, parses, and ends in a line break already in the buffer, with valid UTF-8. The parse
    /// finds where the line ends (see <see cref="JsonTape.ParseValuePrefix"/>), so the bytes are
    /// not first searched for the break. Anything else — a blank or invalid line, a line not yet
    /// wholly read, the file's last line without a break — is left for the line-by-line path,
    /// which reads it exactly as before.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool TryParseNextLineInPlace(JsonTape tape)
    {
        var pending = _buffer.AsSpan(_start, _end - _start);
        if (pending.IsEmpty || pending[0] != (byte)'{' || !tape.ParseValuePrefix(_buffer, _start, pending.Length, out var k))
        {
            return false;
        }

        while (k < pending.Length && (pending[k] == (byte)' ' || pending[k] == (byte)'\t'))
        {
            k++;
        }

        // A line break, and for '\r' the byte after it ("\r\n" is one break): else the slow path.
        if (k + 1 >= pending.Length || (pending[k] != (byte)'\n' && pending[k] != (byte)'\r')
            || !System.Text.Unicode.Utf8.IsValid(pending[..k]))
        {
            return false;
        }

        var breakLen = pending[k] == (byte)'\r' && pending[k + 1] == (byte)'\n' ? 2 : 1;
        _lineLength = k;
        LineStart = _start;
        LineOffset = _consumedBefore + _start;
        _start += k + breakLen;
        NextOffset = _consumedBefore + _start;
        LineTerminated = true;
        LineNumber++;
        return true;
    }

    /// <summary>Python's <c>not line.strip()</c> for the ASCII whitespace a log line can hold.</summary>
    public static bool IsBlank(ReadOnlySpan<byte> line) => line.IndexOfAnyExcept(BlankBytes) < 0;

    private static readonly System.Buffers.SearchValues<byte> BlankBytes =
        System.Buffers.SearchValues.Create([(byte)' ', (byte)'\t', (byte)'\v', (byte)'\f', 0x1c, 0x1d, 0x1e, 0x1f]);

    private void Fill()
    {
        if (_start > 0)
        {
            // Slide the partial line to the front.
            var len = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, len);
            _consumedBefore += _start;
            _start = 0;
            _end = len;
        }

        if (_end == _buffer.Length)
        {
            // One line is longer than the buffer: grow (bounded by the longest line).
            var bigger = System.Buffers.ArrayPool<byte>.Shared.Rent(_buffer.Length * 2);
            Buffer.BlockCopy(_buffer, 0, bigger, 0, _end);
            System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        var n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }

        if (KeepHead && _head is null && _consumedBefore == 0 && _end == 0)
        {
            // The first read of a file opened at its start: keep its first bytes (see Head).
            _head = _buffer.AsSpan(0, Math.Min(n, ReadCheckpoint.HeadBytes)).ToArray();
        }

        _end += n;
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (_ownsStream)
        {
            _stream.Dispose();
        }
    }
}
