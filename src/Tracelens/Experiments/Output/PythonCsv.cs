using System.Text;
using Tracelens.Json;

namespace Tracelens.Experiments.Output;

/// <summary>
/// CSV exactly as Python's <c>csv.DictWriter</c> writes it (tracelab-spec §6.0): CRLF line ends,
/// a field is quoted only when it holds a comma, a quote, CR or LF (quotes doubled), <c>None</c>
/// is an empty field. Cell helpers give Python's <c>str()</c> of each value type.
/// </summary>
public static class PythonCsv
{
    private static readonly char[] NeedsQuoting = [',', '"', '\r', '\n'];

    /// <summary>Appends one record and its CRLF.</summary>
    public static void AppendRow(StringBuilder sb, IEnumerable<string?> fields)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(fields);
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            if (field is null)
            {
                continue;
            }

            if (field.AsSpan().IndexOfAny(NeedsQuoting) < 0)
            {
                sb.Append(field);
            }
            else
            {
                sb.Append('"').Append(field.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
        }

        sb.Append("\r\n");
    }

    /// <summary>A float cell: Python <c>repr</c>, or empty for None.</summary>
    public static string Float(double? value) => value is { } v ? PythonFloat.Repr(v) : string.Empty;

    /// <summary>An integer cell.</summary>
    public static string Int(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A boolean cell: <c>True</c>/<c>False</c>.</summary>
    public static string Bool(bool value) => value ? "True" : "False";

    /// <summary>A share as <c>"{x*100:.2f}%"</c>, or empty when undefined.</summary>
    public static string Percent(double? share) => share is { } s ? PythonFormat.Percent(s) : string.Empty;
}
