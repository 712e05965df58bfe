using System.Buffers.Text;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Tracelens.Json;

/// <summary>Kind of one value on a <see cref="JsonTape"/>.</summary>
public enum JsonKind : byte
{
    Object,
    Array,
    String,
    Integer,
    Float,
    True,
    False,
    Null,
}

/// <summary>
/// A validating, allocation-free JSON scanner that records one line's values on a flat "tape"
/// (a simdjson-style index) so readers can look fields up without building objects.
/// </summary>
/// <remarks>
/// It accepts exactly what Python's <c>json.loads</c> accepts, because TraceLab's extractors skip
/// a line when (and only when) Python rejects it: strict strings (no raw control characters),
/// <c>NaN</c>/<c>Infinity</c>/<c>-Infinity</c> literals, no BOM, arbitrary-size integers.
/// Duplicate object keys resolve like a Python dict: the last value wins
/// (<see cref="TryGetProperty(int, ReadOnlySpan{byte}, out int)"/> returns the last match).
/// The input must already be valid UTF-8; <see cref="Parse"/> does not re-check encoding.
/// One instance is reused line after line; it is not thread-safe.
/// </remarks>
public sealed class JsonTape
{
    private const int MaxDepth = 512;

    private Entry[] _entries = new Entry[256];
    private int _count;
    private byte[] _own = [];     // copy target for Parse(ReadOnlySpan)
    private byte[] _buffer = [];  // the bytes the tape indexes (own copy or the caller's array)
    private int _offset;          // where the parsed text starts in _buffer
    private int _bufferLength;

    [ThreadStatic]
    private static JsonTape? t_primary;

    [ThreadStatic]
    private static JsonTape? t_secondary;

    /// <summary>
    /// A tape reused by every reader on this thread (slot 0 or 1), so reading thousands of files
    /// does not reallocate index and copy buffers per file. Callers must not hold a tape across
    /// another reader's use of the same slot on the same thread.
    /// </summary>
    public static JsonTape ForThread(int slot = 0) => slot == 0 ? t_primary ??= new JsonTape() : t_secondary ??= new JsonTape();

    private struct Entry
    {
        public JsonKind Kind;
        public bool Escaped;       // string contains backslash escapes
        public int Start;          // strings: first byte after the quote; numbers: first byte; containers: the bracket
        public int End;            // exclusive: strings: the closing quote; containers: after the bracket
        public int Next;           // tape index of the next sibling (containers skip their subtree)
        public int Count;          // containers: number of children (objects: number of key/value pairs);
                                   // strings: escapes that decode to one byte (\" \\ \b \f \n \r \t), or -1 when
                                   // some other escape (\u, \/) needs the slow walk of JsonStringCodec.MeasureRaw
    }

    /// <summary>The bytes the tape was built from (valid until the next <see cref="Parse"/>).</summary>
    public ReadOnlySpan<byte> Source => _buffer.AsSpan(_offset, _bufferLength);

    /// <summary>Tape index of the root value.</summary>
    public const int Root = 0;

    /// <summary>Why the last <see cref="Parse"/> failed, or null.</summary>
    public string? Error { get; private set; }

    /// <summary>
    /// Scans <paramref name="utf8"/> (copied into an internal buffer) and builds the tape.
    /// Returns false, with <see cref="Error"/> set, when Python's json module would reject it.
    /// </summary>
    public bool Parse(ReadOnlySpan<byte> utf8)
    {
        if (_own.Length < utf8.Length)
        {
            _own = new byte[Math.Max(utf8.Length, _own.Length * 2)];
        }

        utf8.CopyTo(_own);
        return ParseInPlace(_own, 0, utf8.Length);
    }

    /// <summary>
    /// Like <see cref="Parse"/> but indexes the caller's array without copying it; the tape is valid
    /// only while those bytes stay unchanged (e.g. until the line reader reads the next line).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool ParseInPlace(byte[] array, int offset, int length)
    {
        _buffer = array;
        _offset = offset;
        _bufferLength = length;
        _count = 0;
        Error = null;
        var span = _buffer.AsSpan(_offset, _bufferLength);
        var pos = SkipWhitespace(span, 0);
        if (pos >= span.Length)
        {
            return Fail("empty line");
        }

        if (!ParseValue(span, ref pos, 0))
        {
            return false;
        }

        pos = SkipWhitespace(span, pos);
        return pos == span.Length || FailAt("extra data at byte ", pos);
    }

    /// <summary>
    /// For the line reader: parses the value at <c>array[offset]</c>, which need not fill the
    /// <paramref name="length"/> bytes given, and returns in <paramref name="end"/> how many it took.
    /// False when it does not parse (<see cref="Error"/> need not say why: the caller parses the
    /// line again the careful way) or when it spans a line break, which is whitespace to JSON but
    /// ends a JSONL line. Lets the reader find a line's end from the parse instead of searching
    /// for it first: no byte of a value that parses is a line break outside its whitespace.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool ParseValuePrefix(byte[] array, int offset, int length, out int end)
    {
        _buffer = array;
        _offset = offset;
        _bufferLength = length;
        _count = 0;
        Error = null;
        _sawLineBreak = false;
        end = 0;
        if (!ParseValue(_buffer.AsSpan(_offset, _bufferLength), ref end, 0) || _sawLineBreak)
        {
            return false;
        }

        _bufferLength = end;
        return true;
    }

    /// <summary>Set when <see cref="SkipWhitespace"/> passed a line break (see <see cref="ParseValuePrefix"/>).</summary>
    private bool _sawLineBreak;

    /// <summary>Number of entries on the tape.</summary>
    public int Count => _count;

    public JsonKind KindOf(int index) => _entries[index].Kind;

    public int ChildCount(int index) => _entries[index].Count;

    /// <summary>Tape index just past this value's subtree (its next sibling).</summary>
    public int NextOf(int index) => _entries[index].Next;

    /// <summary>The first child of a container (for objects: the first key).</summary>
    public static int FirstChild(int index) => index + 1;

    /// <summary>Raw bytes of a string (escapes not decoded) or a number literal.</summary>
    public ReadOnlySpan<byte> RawSpan(int index)
    {
        ref var e = ref _entries[index];
        return _buffer.AsSpan(_offset + e.Start, e.End - e.Start);
    }

    /// <summary>Raw JSON text of any value, containers included (strings without quotes).</summary>
    public ReadOnlySpan<byte> RawValueSpan(int index)
    {
        ref var e = ref _entries[index];
        return e.Kind == JsonKind.String
            ? _buffer.AsSpan(_offset + e.Start - 1, e.End - e.Start + 2)
            : _buffer.AsSpan(_offset + e.Start, e.End - e.Start);
    }

    public bool IsEscaped(int index) => _entries[index].Escaped;

    /// <summary>
    /// <see cref="JsonStringCodec.MeasureRaw"/> of a string value, without walking its escapes again
    /// when the parse saw only one-byte ones (the escapes of tool output: newlines, quotes, tabs).
    /// </summary>
    public JsonStringCodec.StringMeasure MeasureString(int index)
    {
        ref var e = ref _entries[index];
        var raw = _buffer.AsSpan(_offset + e.Start, e.End - e.Start);
        if (!e.Escaped || e.Count < 0)
        {
            return JsonStringCodec.MeasureRaw(raw, e.Escaped);
        }

        // Each such escape is two raw bytes (and code points) for one decoded, and Python writes it
        // back as the same two.
        var codePoints = JsonStringCodec.CountCodePoints(raw);
        return new JsonStringCodec.StringMeasure(codePoints - e.Count, codePoints, raw.Length - e.Count, raw.Length);
    }

    /// <summary>
    /// Finds an object property by its UTF-8 name. The last occurrence wins, like a Python dict.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryGetProperty(int objectIndex, ReadOnlySpan<byte> name, out int valueIndex)
    {
        valueIndex = -1;
        if (objectIndex < 0 || _entries[objectIndex].Kind != JsonKind.Object)
        {
            return false;
        }

        // Every key (always a string) is compared: the last of duplicate keys wins, as in Python.
        var n = _entries[objectIndex].Count;
        var key = objectIndex + 1;
        for (var i = 0; i < n; i++)
        {
            var value = key + 1;
            if (StringEntryEquals(key, name))
            {
                valueIndex = value;
            }

            key = _entries[value].Next;
        }

        return valueIndex >= 0;
    }

    /// <summary>Looks up a property and returns its index, or -1.</summary>
    public int Get(int objectIndex, ReadOnlySpan<byte> name) =>
        TryGetProperty(objectIndex, name, out var v) ? v : -1;

    /// <summary>True when the value at <paramref name="index"/> is a string equal to <paramref name="utf8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool StringEquals(int index, ReadOnlySpan<byte> utf8) =>
        index >= 0 && _entries[index].Kind == JsonKind.String && StringEntryEquals(index, utf8);

    /// <summary>
    /// <see cref="StringEquals"/> of an entry known to be a string. Inlined into property lookups,
    /// which compare every key of an object (the last of duplicate keys wins), with the common miss
    /// decided by the raw length: an unescaped string of another length cannot match. A call per
    /// key was about 6 % of a first load's instructions.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool StringEntryEquals(int index, ReadOnlySpan<byte> utf8)
    {
        ref var e = ref _entries[index];
        return e.Escaped
            ? EscapedStringEquals(index, utf8)
            : e.End - e.Start == utf8.Length && _buffer.AsSpan(_offset + e.Start, utf8.Length).SequenceEqual(utf8);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool EscapedStringEquals(int index, ReadOnlySpan<byte> utf8) =>
        GetString(index).AsSpan().SequenceEqual(System.Text.Encoding.UTF8.GetString(utf8));

    /// <summary>Decodes a string value (Python semantics: lone surrogates are kept).</summary>
    public string GetString(int index)
    {
        ref var e = ref _entries[index];
        var raw = _buffer.AsSpan(_offset + e.Start, e.End - e.Start);
        return e.Escaped ? JsonStringCodec.Unescape(raw) : System.Text.Encoding.UTF8.GetString(raw);
    }

    /// <summary>The string value, or null when the value is missing or not a string.</summary>
    public string? GetStringOrNull(int index) =>
        index >= 0 && _entries[index].Kind == JsonKind.String ? GetString(index) : null;

    /// <summary>
    /// Python's <c>isinstance(v, int)</c>: JSON integers and booleans (True = 1). Integers that do
    /// not fit in 64 bits are reported as not integers (no real counter is that large).
    /// </summary>
    public bool TryGetPythonInt(int index, out long value)
    {
        value = 0;
        if (index < 0)
        {
            return false;
        }

        switch (_entries[index].Kind)
        {
            case JsonKind.True:
                value = 1;
                return true;
            case JsonKind.False:
                return true;
            case JsonKind.Integer:
                return Utf8Parser.TryParse(RawSpan(index), out value, out var consumed) && consumed == RawSpan(index).Length;
            default:
                return false;
        }
    }

    /// <summary>A JSON number (integer or float) as a double; booleans too (Python numbers).</summary>
    public bool TryGetPythonNumber(int index, out double value)
    {
        value = 0;
        if (index < 0)
        {
            return false;
        }

        switch (_entries[index].Kind)
        {
            case JsonKind.True:
                value = 1;
                return true;
            case JsonKind.False:
                return true;
            case JsonKind.Integer:
            case JsonKind.Float:
                value = PythonFloat.ParseLiteral(RawSpan(index));
                return true;
            default:
                return false;
        }
    }

    /// <summary>Python truthiness of a JSON value (missing counts as false).</summary>
    public bool IsTruthy(int index)
    {
        if (index < 0)
        {
            return false;
        }

        ref var e = ref _entries[index];
        return e.Kind switch
        {
            JsonKind.True => true,
            JsonKind.False or JsonKind.Null => false,
            JsonKind.String => e.End > e.Start,
            JsonKind.Object or JsonKind.Array => e.Count > 0,
            JsonKind.Integer => !IsZeroLiteral(RawSpan(index)),
            JsonKind.Float => PythonFloat.ParseLiteral(RawSpan(index)) != 0,
            _ => false,
        };
    }

    private static bool IsZeroLiteral(ReadOnlySpan<byte> raw) => raw.TrimStart((byte)'-').SequenceEqual("0"u8);

    private bool Fail(string reason)
    {
        Error = reason;
        return false;
    }

    // Out of line: a message built inline puts an interpolation handler in the parse methods'
    // frames, which the runtime zeroes on every call (millions of strings per gigabyte of logs).
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FailAt(string what, int position) => Fail(what + position.ToString(CultureInfo.InvariantCulture));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FailUnexpected(byte b, int position) =>
        Fail($"unexpected byte 0x{b.ToString("x2", CultureInfo.InvariantCulture)} at {position.ToString(CultureInfo.InvariantCulture)}");

    // Inlined into the parse (an entry per value); growing the tape is the rare call.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Add(JsonKind kind, int start)
    {
        if (_count == _entries.Length)
        {
            Grow();
        }

        ref var e = ref _entries[_count];
        e.Kind = kind;
        e.Start = start;
        e.End = start;
        e.Escaped = false;
        e.Count = 0;
        e.Next = _count + 1;
        return _count++;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow() => Array.Resize(ref _entries, _entries.Length * 2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int SkipWhitespace(ReadOnlySpan<byte> s, int pos)
    {
        while (pos < s.Length)
        {
            var b = s[pos];
            if (b > (byte)' ')
            {
                break; // every token: one compare
            }

            if (b == (byte)'\n' || b == (byte)'\r')
            {
                _sawLineBreak = true;
            }
            else if (b != (byte)' ' && b != (byte)'\t')
            {
                break;
            }

            pos++;
        }

        return pos;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseValue(ReadOnlySpan<byte> s, ref int pos, int depth)
    {
        if (depth > MaxDepth)
        {
            return Fail("nesting too deep");
        }

        if (pos >= s.Length)
        {
            return Fail("unexpected end of line");
        }

        switch (s[pos])
        {
            case (byte)'{':
                return ParseObject(s, ref pos, depth);
            case (byte)'[':
                return ParseArray(s, ref pos, depth);
            case (byte)'"':
                return ParseString(s, ref pos);
            case (byte)'t':
                return ParseLiteral(s, ref pos, "true"u8, JsonKind.True);
            case (byte)'f':
                return ParseLiteral(s, ref pos, "false"u8, JsonKind.False);
            case (byte)'n':
                return ParseLiteral(s, ref pos, "null"u8, JsonKind.Null);
            case (byte)'N':
                return ParseLiteral(s, ref pos, "NaN"u8, JsonKind.Float);
            case (byte)'I':
                return ParseLiteral(s, ref pos, "Infinity"u8, JsonKind.Float);
            case (byte)'-':
                if (s[(pos + 1)..].StartsWith("Infinity"u8))
                {
                    return ParseLiteral(s, ref pos, "-Infinity"u8, JsonKind.Float);
                }

                return ParseNumber(s, ref pos);
            default:
                if (s[pos] >= (byte)'0' && s[pos] <= (byte)'9')
                {
                    return ParseNumber(s, ref pos);
                }

                return FailUnexpected(s[pos], pos);
        }
    }

    private bool ParseLiteral(ReadOnlySpan<byte> s, ref int pos, ReadOnlySpan<byte> literal, JsonKind kind)
    {
        if (!s[pos..].StartsWith(literal))
        {
            return FailAt("invalid literal at ", pos);
        }

        var i = Add(kind, pos);
        pos += literal.Length;
        _entries[i].End = pos;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseNumber(ReadOnlySpan<byte> s, ref int pos)
    {
        var start = pos;
        if (s[pos] == (byte)'-')
        {
            pos++;
        }

        if (pos >= s.Length || !IsDigit(s[pos]))
        {
            return FailAt("invalid number at ", start);
        }

        // Python's NUMBER_RE: -?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)? ; "01" stops after "0".
        if (s[pos] == (byte)'0')
        {
            pos++;
        }
        else
        {
            while (pos < s.Length && IsDigit(s[pos]))
            {
                pos++;
            }
        }

        var isFloat = false;
        if (pos + 1 < s.Length && s[pos] == (byte)'.' && IsDigit(s[pos + 1]))
        {
            isFloat = true;
            pos++;
            while (pos < s.Length && IsDigit(s[pos]))
            {
                pos++;
            }
        }

        if (pos < s.Length && (s[pos] == (byte)'e' || s[pos] == (byte)'E'))
        {
            var p = pos + 1;
            if (p < s.Length && (s[p] == (byte)'+' || s[p] == (byte)'-'))
            {
                p++;
            }

            if (p < s.Length && IsDigit(s[p]))
            {
                isFloat = true;
                while (p < s.Length && IsDigit(s[p]))
                {
                    p++;
                }

                pos = p;
            }
        }

        var i = Add(isFloat ? JsonKind.Float : JsonKind.Integer, start);
        _entries[i].End = pos;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    private const ulong EvenBits = 0x5555_5555_5555_5555UL;

    // The last bytes of a string that ends within 64 bytes of the end of the backing array are
    // copied here, so that every block is one full 64-byte load.
    private readonly byte[] _lastBlock = new byte[64];

    /// <summary>
    /// Scans a string 64 bytes at a time, simdjson-style: per block, bit masks of quotes,
    /// backslashes and control bytes; which bytes the backslashes escape comes from carry
    /// arithmetic over runs of backslashes, so the common escapes (one every ~40 bytes of tool
    /// output) cost no work of their own. The closing quote is the first unescaped one. A control
    /// byte or an invalid escape before it sends the string to <see cref="ParseStringScalar"/>,
    /// which finds and words the first error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseString(ReadOnlySpan<byte> s, ref int pos)
    {
        if (!Vector256.IsHardwareAccelerated)
        {
            return ParseStringScalar(s, ref pos, Add(JsonKind.String, pos + 1));
        }

        var i = Add(JsonKind.String, pos + 1);
        var p = pos + 1;
        ulong prevEscaped = 0; // 1 when the block's first byte is escaped by a backslash ending the previous block
        var oneByteEscapes = 0;
        var otherEscapes = false;
        var escaped = false;
        ref var first = ref MemoryMarshal.GetReference(s);
        var readable = _buffer.Length - _offset; // bytes of the backing array from s[0] on
        while (true)
        {
            ulong quote, backslash, control, common;
            var remaining = s.Length - p;
            if (p + 64 <= readable)
            {
                Classify(ref Unsafe.Add(ref first, p), out quote, out backslash, out control, out common);
            }
            else
            {
                s[p..].CopyTo(_lastBlock);
                Classify(ref _lastBlock[0], out quote, out backslash, out control, out common);
            }

            ulong escapedBytes;
            if ((backslash | prevEscaped) == 0)
            {
                escapedBytes = 0;
            }
            else
            {
                // A run of backslashes escapes its every other byte, starting from its first: runs
                // starting on odd bits are found by adding the run starts to the backslash mask.
                backslash &= ~prevEscaped;
                var followsEscape = (backslash << 1) | prevEscaped;
                var oddStarts = backslash & ~EvenBits & ~followsEscape;
                var sequencesOnEven = oddStarts + backslash;
                var carry = sequencesOnEven < oddStarts ? 1UL : 0UL;
                escapedBytes = (EvenBits ^ (sequencesOnEven << 1)) & followsEscape;
                prevEscaped = carry;
            }

            var closing = quote & ~escapedBytes;
            if (remaining < 64)
            {
                // The end of the line acts as a closing quote that reports "unterminated string"
                // (the bytes after it, another line's or stale ones, all come after that quote).
                closing |= 1UL << remaining;
            }

            var before = closing == 0 ? ulong.MaxValue : (closing & (0 - closing)) - 1;
            var escapesBefore = escapedBytes & before;
            var rare = escapesBefore & ~common;
            if ((control & before) != 0 || (rare != 0 && !AcceptRareEscapes(s, p, rare, ref otherEscapes)))
            {
                return ParseStringScalar(s, ref pos, i); // an error: found and worded the careful way
            }

            if (escapesBefore != 0)
            {
                escaped = true;
                oneByteEscapes += BitOperations.PopCount(escapesBefore);
            }

            if (closing != 0)
            {
                var k = p + BitOperations.TrailingZeroCount(closing);
                if (k >= s.Length)
                {
                    return Fail("unterminated string");
                }

                ref var e = ref _entries[i];
                e.End = k;
                e.Escaped = escaped;
                e.Count = otherEscapes ? -1 : oneByteEscapes;
                pos = k + 1;
                return true;
            }

            p += 64;
        }
    }

    /// <summary>
    /// Checks the escapes other than \" \\ \n \t \r of a block (bits of <paramref name="escapedBytes"/>:
    /// the byte after each escaping backslash, from <paramref name="block"/>): \b and \f are one byte
    /// like the common ones; \/ and a \u with four hex digits are not. False for an invalid escape.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool AcceptRareEscapes(ReadOnlySpan<byte> s, int block, ulong escapedBytes, ref bool otherEscapes)
    {
        for (; escapedBytes != 0; escapedBytes &= escapedBytes - 1)
        {
            var j = block + BitOperations.TrailingZeroCount(escapedBytes);
            switch (EscapeKinds[s[j]])
            {
                case OneByteEscape:
                    break;
                case SlashEscape:
                    otherEscapes = true;
                    break;
                case UnicodeEscape:
                    // Valid hex digits are none of the bytes the masks track, so the block's masks stand.
                    if (j + 4 >= s.Length || !IsHex(s[j + 1]) || !IsHex(s[j + 2]) || !IsHex(s[j + 3]) || !IsHex(s[j + 4]))
                    {
                        return false;
                    }

                    otherEscapes = true;
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Bit masks of 64 bytes: quotes, backslashes, control bytes, and the bytes a common escape
    /// may name (\" \\ \n \t \r; <see cref="AcceptRareEscapes"/> checks the others).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify(ref byte at, out ulong quote, out ulong backslash, out ulong control, out ulong common)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            var v = Vector512.LoadUnsafe(ref at);
            var q = Vector512.Equals(v, Vector512.Create((byte)'"'));
            var b = Vector512.Equals(v, Vector512.Create((byte)'\\'));
            quote = q.ExtractMostSignificantBits();
            backslash = b.ExtractMostSignificantBits();
            control = Vector512.LessThan(v, Vector512.Create((byte)0x20)).ExtractMostSignificantBits();
            common = (q | b | Vector512.Equals(v, Vector512.Create((byte)'n')) | Vector512.Equals(v, Vector512.Create((byte)'t'))
                | Vector512.Equals(v, Vector512.Create((byte)'r'))).ExtractMostSignificantBits();
            return;
        }

        Classify32(Vector256.LoadUnsafe(ref at), out var q0, out var b0, out var c0, out var n0);
        Classify32(Vector256.LoadUnsafe(ref Unsafe.Add(ref at, 32)), out var q1, out var b1, out var c1, out var n1);
        quote = q0 | ((ulong)q1 << 32);
        backslash = b0 | ((ulong)b1 << 32);
        control = c0 | ((ulong)c1 << 32);
        common = n0 | ((ulong)n1 << 32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Classify32(Vector256<byte> v, out ulong quote, out ulong backslash, out ulong control, out ulong common)
    {
        var q = Vector256.Equals(v, Vector256.Create((byte)'"'));
        var b = Vector256.Equals(v, Vector256.Create((byte)'\\'));
        quote = q.ExtractMostSignificantBits();
        backslash = b.ExtractMostSignificantBits();
        control = Vector256.LessThan(v, Vector256.Create((byte)0x20)).ExtractMostSignificantBits();
        common = (q | b | Vector256.Equals(v, Vector256.Create((byte)'n')) | Vector256.Equals(v, Vector256.Create((byte)'t'))
            | Vector256.Equals(v, Vector256.Create((byte)'r'))).ExtractMostSignificantBits();
    }

    /// <summary>
    /// The string at <paramref name="pos"/> one stop at a time (entry <paramref name="i"/> already
    /// added): every escape kind, and the exact wording and position of every error.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool ParseStringScalar(ReadOnlySpan<byte> s, ref int pos, int i)
    {
        var p = pos + 1;
        var oneByteEscapes = 0;
        var otherEscapes = false;
        var escaped = false;
        while (true)
        {
            if (p >= s.Length)
            {
                return Fail("unterminated string");
            }

            var b = s[p];
            if (b == (byte)'"')
            {
                break;
            }

            if (b != (byte)'\\' && b >= 0x20)
            {
                p++;
                continue;
            }

            var width = EscapeWidth(s, p, ref oneByteEscapes, ref otherEscapes);
            if (width <= 0)
            {
                return width == 0 ? FailAt("invalid control character at ", p) : FailEscape(s, p);
            }

            escaped = true;
            p += width;
        }

        ref var e = ref _entries[i];
        e.End = p;
        e.Escaped = escaped;
        e.Count = otherEscapes ? -1 : oneByteEscapes;
        pos = p + 1;
        return true;
    }

    /// <summary>
    /// Bytes taken by the escape at <paramref name="k"/> (a backslash), counting it by kind; 0 when
    /// the byte there is a control character, -1 when the escape is invalid or cut off.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int EscapeWidth(ReadOnlySpan<byte> s, int k, ref int oneByteEscapes, ref bool otherEscapes)
    {
        if (s[k] != (byte)'\\')
        {
            return 0;
        }

        if (k + 1 >= s.Length)
        {
            return -1;
        }

        switch (EscapeKinds[s[k + 1]])
        {
            case OneByteEscape:
                oneByteEscapes++;
                return 2;
            case UnicodeEscape:
                if (k + 5 >= s.Length || !IsHex(s[k + 2]) || !IsHex(s[k + 3]) || !IsHex(s[k + 4]) || !IsHex(s[k + 5]))
                {
                    return -1;
                }

                otherEscapes = true;
                return 6;
            case SlashEscape:
                otherEscapes = true; // Python writes it back as a plain '/'
                return 2;
            default:
                return -1;
        }
    }

    /// <summary>The message for a bad escape at <paramref name="k"/>, as the parse reported it before.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool FailEscape(ReadOnlySpan<byte> s, int k) =>
        k + 1 >= s.Length ? Fail("unterminated string")
        : EscapeKinds[s[k + 1]] == UnicodeEscape ? FailAt("invalid \\u escape at ", k)
        : FailAt("invalid escape at ", k);

    private const byte OneByteEscape = 1, SlashEscape = 2, UnicodeEscape = 3;

    /// <summary>What follows a backslash: one table lookup instead of a chain of compares per escape.</summary>
    private static ReadOnlySpan<byte> EscapeKinds =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x00
        0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x20: " /
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, // 0x40: \
        0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x60: b f n r t u
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x80
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    private static bool IsHex(byte b) => (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 5;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseArray(ReadOnlySpan<byte> s, ref int pos, int depth)
    {
        var i = Add(JsonKind.Array, pos);
        pos = SkipWhitespace(s, pos + 1);
        var count = 0;
        if (pos < s.Length && s[pos] == (byte)']')
        {
            pos++;
        }
        else
        {
            while (true)
            {
                if (!ParseValue(s, ref pos, depth + 1))
                {
                    return false;
                }

                count++;
                pos = SkipWhitespace(s, pos);
                if (pos >= s.Length)
                {
                    return Fail("unterminated array");
                }

                if (s[pos] == (byte)',')
                {
                    pos = SkipWhitespace(s, pos + 1);
                    continue;
                }

                if (s[pos] == (byte)']')
                {
                    pos++;
                    break;
                }

                return FailAt("expected ',' or ']' at ", pos);
            }
        }

        ref var e = ref _entries[i];
        e.End = pos;
        e.Count = count;
        e.Next = _count;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ParseObject(ReadOnlySpan<byte> s, ref int pos, int depth)
    {
        var i = Add(JsonKind.Object, pos);
        pos = SkipWhitespace(s, pos + 1);
        var count = 0;
        if (pos < s.Length && s[pos] == (byte)'}')
        {
            pos++;
        }
        else
        {
            while (true)
            {
                if (pos >= s.Length || s[pos] != (byte)'"')
                {
                    return FailAt("expected property name at ", pos);
                }

                if (!ParseString(s, ref pos))
                {
                    return false;
                }

                pos = SkipWhitespace(s, pos);
                if (pos >= s.Length || s[pos] != (byte)':')
                {
                    return FailAt("expected ':' at ", pos);
                }

                pos = SkipWhitespace(s, pos + 1);
                if (!ParseValue(s, ref pos, depth + 1))
                {
                    return false;
                }

                count++;
                pos = SkipWhitespace(s, pos);
                if (pos >= s.Length)
                {
                    return Fail("unterminated object");
                }

                if (s[pos] == (byte)',')
                {
                    pos = SkipWhitespace(s, pos + 1);
                    continue;
                }

                if (s[pos] == (byte)'}')
                {
                    pos++;
                    break;
                }

                return FailAt("expected ',' or '}' at ", pos);
            }
        }

        ref var e = ref _entries[i];
        e.End = pos;
        e.Count = count;
        e.Next = _count;
        return true;
    }
}
