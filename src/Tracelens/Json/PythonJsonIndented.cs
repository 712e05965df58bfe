using System.Globalization;
using System.Text;

namespace Tracelens.Json;

/// <summary>
/// <c>json.dumps(value, indent=2)</c> with Python's defaults: <c>", "</c>/<c>": "</c> separators
/// (the item separator loses its space at line ends), <c>ensure_ascii=True</c> (every non-ASCII
/// character as <c>\uXXXX</c>, astral ones as surrogate pairs), floats as <c>repr</c>, empty
/// containers as <c>{}</c>/<c>[]</c>, no final newline.
/// </summary>
public static class PythonJsonIndented
{
    public static string Serialize(PyValue value, int indent = 2)
    {
        ArgumentNullException.ThrowIfNull(value);
        var sb = new StringBuilder();
        Write(sb, value, indent, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, PyValue value, int indent, int depth)
    {
        switch (value)
        {
            case PyObject obj when obj.Count > 0:
            {
                sb.Append('{');
                var first = true;
                foreach (var (key, member) in obj)
                {
                    sb.Append(first ? "\n" : ",\n").Append(' ', indent * (depth + 1));
                    first = false;
                    JsonStringCodec.AppendPythonLiteral(sb, key, ensureAscii: true);
                    sb.Append(": ");
                    Write(sb, member, indent, depth + 1);
                }

                sb.Append('\n').Append(' ', indent * depth).Append('}');
                break;
            }

            case PyArray array when array.Count > 0:
            {
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    sb.Append(i == 0 ? "\n" : ",\n").Append(' ', indent * (depth + 1));
                    Write(sb, array[i], indent, depth + 1);
                }

                sb.Append('\n').Append(' ', indent * depth).Append(']');
                break;
            }

            case PyString text:
                JsonStringCodec.AppendPythonLiteral(sb, text.Value, ensureAscii: true);
                break;
            default:
                value.WriteJson(sb);
                break;
        }
    }
}
