using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Tracelens.Json;

/// <summary>
/// A small JSON value tree with Python semantics: what <c>json.loads</c> builds and
/// <c>json.dumps(v, ensure_ascii=False, separators=(",", ":"))</c> writes back.
/// </summary>
/// <remarks>
/// Objects keep insertion order like a Python dict (replacing a value keeps the key's position,
/// a new key goes to the end); numbers keep their literal so integers print exactly, at any size,
/// and floats print as Python's <c>repr</c>. Scalars are immutable and may be shared between trees;
/// objects and arrays are mutable.
/// </remarks>
public abstract class PyValue
{
    private protected PyValue()
    {
    }

    /// <summary>The JSON kind (booleans are <see cref="JsonKind.True"/>/<see cref="JsonKind.False"/>).</summary>
    public abstract JsonKind Kind { get; }

    /// <summary>Python's <c>bool(v)</c>.</summary>
    public abstract bool IsTruthy { get; }

    /// <summary>Appends the compact Python serialization (same bytes as <see cref="PythonJson.Write"/>).</summary>
    public abstract void WriteJson(StringBuilder sb);

    /// <summary>Appends Python's <c>repr(v)</c> of the value <c>json.loads</c> would give.</summary>
    public abstract void WritePythonRepr(StringBuilder sb);

    /// <summary>A copy that shares nothing mutable with this value.</summary>
    public abstract PyValue DeepClone();

    /// <summary>The compact Python serialization as a string.</summary>
    public string ToJson()
    {
        var sb = new StringBuilder();
        WriteJson(sb);
        return sb.ToString();
    }

    /// <summary>Python's <c>str(v)</c>: a string's own text, otherwise its <c>repr</c>.</summary>
    public virtual string ToPythonStr()
    {
        var sb = new StringBuilder();
        WritePythonRepr(sb);
        return sb.ToString();
    }

    public override string ToString() => ToJson();

    /// <summary>Builds the tree of the value at <paramref name="index"/> (duplicate keys: last value wins, first position).</summary>
    public static PyValue FromTape(JsonTape tape, int index)
    {
        ArgumentNullException.ThrowIfNull(tape);
        return tape.KindOf(index) switch
        {
            JsonKind.Object => ObjectFromTape(tape, index),
            JsonKind.Array => ArrayFromTape(tape, index),
            JsonKind.String => new PyString(tape.GetString(index)),
            JsonKind.Integer => PyNumber.FromInteger(PythonJson.IntegerLiteral(tape.RawSpan(index))),
            JsonKind.Float => PyNumber.FromFloat(PythonFloat.ParseLiteral(tape.RawSpan(index))),
            JsonKind.True => PyBool.True,
            JsonKind.False => PyBool.False,
            _ => PyNull.Instance,
        };
    }

    private static PyObject ObjectFromTape(JsonTape tape, int index)
    {
        var obj = new PyObject();
        foreach (var (key, value) in PythonJson.Members(tape, index))
        {
            obj[tape.GetString(key)] = FromTape(tape, value);
        }

        return obj;
    }

    private static PyArray ArrayFromTape(JsonTape tape, int index)
    {
        var n = tape.ChildCount(index);
        var arr = new PyArray(n);
        var child = JsonTape.FirstChild(index);
        for (var i = 0; i < n; i++)
        {
            arr.Add(FromTape(tape, child));
            child = tape.NextOf(child);
        }

        return arr;
    }

    /// <summary>Parses one JSON text the way Python's <c>json.loads</c> does.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out PyValue? value, [NotNullWhen(false)] out string? error)
    {
        var tape = new JsonTape();
        if (!tape.Parse(utf8))
        {
            value = null;
            error = tape.Error ?? "invalid JSON";
            return false;
        }

        value = FromTape(tape, JsonTape.Root);
        error = null;
        return true;
    }

    /// <summary>Parses one JSON text; throws <see cref="FormatException"/> when Python would reject it.</summary>
    public static PyValue Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return TryParse(Encoding.UTF8.GetBytes(json), out var value, out var error)
            ? value
            : throw new FormatException(error);
    }

    /// <summary>Python's <c>repr</c> of a string: single quotes unless only double quotes avoid escaping.</summary>
    internal static void AppendPythonStringRepr(StringBuilder sb, string s)
    {
        var quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == quote || c == '\\')
            {
                sb.Append('\\').Append(c);
                continue;
            }

            switch (c)
            {
                case '\t': sb.Append("\\t"); continue;
                case '\n': sb.Append("\\n"); continue;
                case '\r': sb.Append("\\r"); continue;
            }

            if (c < ' ' || c == '\x7f')
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                continue;
            }

            if (c < '\x7f')
            {
                sb.Append(c);
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                var rune = new Rune(c, s[i + 1]);
                i++;
                if (IsPrintable(Rune.GetUnicodeCategory(rune)))
                {
                    sb.Append(c).Append(s[i]);
                }
                else
                {
                    sb.Append("\\U").Append(rune.Value.ToString("x8", CultureInfo.InvariantCulture));
                }

                continue;
            }

            // Lone surrogates are category Cs, which Python escapes.
            if (!char.IsSurrogate(c) && IsPrintable(char.GetUnicodeCategory(c)))
            {
                sb.Append(c);
            }
            else if (c <= '\xff')
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            }
        }

        sb.Append(quote);
    }

    // Python's str.isprintable: everything but "Other" and "Separator" categories (space excepted,
    // handled by the ASCII path).
    private static bool IsPrintable(UnicodeCategory category) => category switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
            or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.SpaceSeparator => false,
        _ => true,
    };
}

/// <summary>A JSON object with Python dict semantics (ordinal keys, insertion order).</summary>
public sealed class PyObject : PyValue, IEnumerable<KeyValuePair<string, PyValue>>
{
    private readonly OrderedDictionary<string, PyValue> _members = new(StringComparer.Ordinal);

    public override JsonKind Kind => JsonKind.Object;

    public override bool IsTruthy => _members.Count > 0;

    public int Count => _members.Count;

    public IEnumerable<string> Keys => _members.Keys;

    /// <summary>Gets a member (throws when missing) or sets one: an existing key keeps its position, a new key is appended.</summary>
    public PyValue this[string key]
    {
        get => _members[key];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _members[key] = value;
        }
    }

    public bool ContainsKey(string key) => _members.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out PyValue value) => _members.TryGetValue(key, out value);

    /// <summary>Python's <c>dict.get(key)</c>: the value, or null when the key is missing.</summary>
    public PyValue? Get(string key) => _members.TryGetValue(key, out var value) ? value : null;

    /// <summary>Python's <c>dict.pop(key, None)</c>: removes the key (later keys keep their order).</summary>
    public bool Remove(string key) => _members.Remove(key);

    public override void WriteJson(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append('{');
        var first = true;
        foreach (var (key, value) in _members)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            JsonStringCodec.AppendPythonLiteral(sb, key);
            sb.Append(':');
            value.WriteJson(sb);
        }

        sb.Append('}');
    }

    public override void WritePythonRepr(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append('{');
        var first = true;
        foreach (var (key, value) in _members)
        {
            if (!first)
            {
                sb.Append(", ");
            }

            first = false;
            AppendPythonStringRepr(sb, key);
            sb.Append(": ");
            value.WritePythonRepr(sb);
        }

        sb.Append('}');
    }

    public override PyValue DeepClone()
    {
        var copy = new PyObject();
        foreach (var (key, value) in _members)
        {
            copy._members.Add(key, value.DeepClone());
        }

        return copy;
    }

    public IEnumerator<KeyValuePair<string, PyValue>> GetEnumerator() => _members.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A JSON array (Python list).</summary>
public sealed class PyArray : PyValue, IReadOnlyList<PyValue>
{
    private readonly List<PyValue> _items;

    public PyArray()
    {
        _items = [];
    }

    public PyArray(int capacity)
    {
        _items = new List<PyValue>(capacity);
    }

    public PyArray(IEnumerable<PyValue> items)
    {
        _items = [.. items];
    }

    public override JsonKind Kind => JsonKind.Array;

    public override bool IsTruthy => _items.Count > 0;

    public int Count => _items.Count;

    public PyValue this[int index]
    {
        get => _items[index];
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            _items[index] = value;
        }
    }

    public void Add(PyValue item)
    {
        ArgumentNullException.ThrowIfNull(item);
        _items.Add(item);
    }

    public override void WriteJson(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append('[');
        for (var i = 0; i < _items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }

            _items[i].WriteJson(sb);
        }

        sb.Append(']');
    }

    public override void WritePythonRepr(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append('[');
        for (var i = 0; i < _items.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            _items[i].WritePythonRepr(sb);
        }

        sb.Append(']');
    }

    public override PyValue DeepClone() => new PyArray(_items.Select(item => item.DeepClone()));

    public IEnumerator<PyValue> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A JSON string (decoded; lone surrogates from <c>\u</c> escapes are kept, as in Python).</summary>
public sealed class PyString(string value) : PyValue
{
    public string Value { get; } = value ?? throw new ArgumentNullException(nameof(value));

    public override JsonKind Kind => JsonKind.String;

    public override bool IsTruthy => Value.Length > 0;

    public override void WriteJson(StringBuilder sb) => JsonStringCodec.AppendPythonLiteral(sb, Value);

    public override void WritePythonRepr(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        AppendPythonStringRepr(sb, Value);
    }

    public override string ToPythonStr() => Value;

    public override PyValue DeepClone() => this;
}

/// <summary>
/// A JSON number: an integer kept as its exact decimal text (any size), or a float kept as the
/// double Python would parse.
/// </summary>
public sealed class PyNumber : PyValue
{
    private readonly string? _integer;
    private readonly double _float;

    private PyNumber(string? integer, double value)
    {
        _integer = integer;
        _float = value;
    }

    /// <summary>An integer from its decimal text (<c>-?digits</c>, as Python's <c>str(int)</c> prints it).</summary>
    public static PyNumber FromInteger(string digits)
    {
        ArgumentException.ThrowIfNullOrEmpty(digits);
        return new PyNumber(digits, 0);
    }

    public static PyNumber FromInteger(long value) => new(value.ToString(CultureInfo.InvariantCulture), 0);

    public static PyNumber FromFloat(double value) => new(null, value);

    public bool IsInteger => _integer is not null;

    /// <summary>Exact decimal text of an integer (null for floats).</summary>
    public string? IntegerText => _integer;

    /// <summary>The value as a double (integers converted).</summary>
    public double AsDouble => _integer is null
        ? _float
        : double.Parse(_integer, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);

    public override JsonKind Kind => IsInteger ? JsonKind.Integer : JsonKind.Float;

    public override bool IsTruthy => _integer is null ? _float != 0 : _integer is not ("0" or "-0");

    public override void WriteJson(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append(_integer ?? PythonFloat.Repr(_float));
    }

    public override void WritePythonRepr(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append(ToPythonStr());
    }

    /// <summary>Python's <c>str()</c>: exact digits, or <c>repr(float)</c> with <c>nan</c>/<c>inf</c>/<c>-inf</c>.</summary>
    public override string ToPythonStr()
    {
        if (_integer is not null)
        {
            return _integer;
        }

        if (double.IsNaN(_float))
        {
            return "nan";
        }

        if (double.IsInfinity(_float))
        {
            return _float > 0 ? "inf" : "-inf";
        }

        return PythonFloat.Repr(_float);
    }

    public override PyValue DeepClone() => this;
}

/// <summary>JSON <c>true</c>/<c>false</c>.</summary>
public sealed class PyBool : PyValue
{
    public static readonly PyBool True = new(true);
    public static readonly PyBool False = new(false);

    private PyBool(bool value)
    {
        Value = value;
    }

    public bool Value { get; }

    public static PyBool Of(bool value) => value ? True : False;

    public override JsonKind Kind => Value ? JsonKind.True : JsonKind.False;

    public override bool IsTruthy => Value;

    public override void WriteJson(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append(Value ? "true" : "false");
    }

    public override void WritePythonRepr(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append(Value ? "True" : "False");
    }

    public override PyValue DeepClone() => this;
}

/// <summary>JSON <c>null</c> (Python <c>None</c>).</summary>
public sealed class PyNull : PyValue
{
    public static readonly PyNull Instance = new();

    private PyNull()
    {
    }

    public override JsonKind Kind => JsonKind.Null;

    public override bool IsTruthy => false;

    public override void WriteJson(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append("null");
    }

    public override void WritePythonRepr(StringBuilder sb)
    {
        ArgumentNullException.ThrowIfNull(sb);
        sb.Append("None");
    }

    public override PyValue DeepClone() => this;
}
