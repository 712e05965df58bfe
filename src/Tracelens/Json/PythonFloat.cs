using System.Globalization;
using System.Text;

namespace Tracelens.Json;

/// <summary>Python's float parsing and <c>repr()</c>, which TraceLab's outputs are written with.</summary>
public static class PythonFloat
{
    /// <summary>Parses a JSON number literal (or NaN/Infinity) the way Python's json module does.</summary>
    public static double ParseLiteral(ReadOnlySpan<byte> literal)
    {
        if (literal.SequenceEqual("NaN"u8))
        {
            return double.NaN;
        }

        if (literal.SequenceEqual("Infinity"u8))
        {
            return double.PositiveInfinity;
        }

        if (literal.SequenceEqual("-Infinity"u8))
        {
            return double.NegativeInfinity;
        }

        // .NET parses IEEE-correctly (round to nearest, overflow to infinity) like CPython's dtoa.
        return double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// <c>repr(x)</c> as <c>json.dumps</c> writes it: shortest round-trip digits, exponent form when
    /// the decimal exponent is below -4 or at least 16 (<c>1e-05</c>, <c>1.5e+16</c>), otherwise
    /// fixed with at least one fractional digit (<c>100.0</c>); NaN/Infinity as JSON literals.
    /// </summary>
    public static string Repr(double value)
    {
        if (double.IsNaN(value))
        {
            return "NaN";
        }

        if (double.IsPositiveInfinity(value))
        {
            return "Infinity";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Infinity";
        }

        var negative = double.IsNegative(value);
        if (value == 0)
        {
            return negative ? "-0.0" : "0.0";
        }

        // "R" gives the shortest round-trip digits; re-lay them out in Python's style.
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var ePos = r.IndexOfAny(['E', 'e']);
        var mantissa = ePos < 0 ? r : r[..ePos];
        var exp10 = ePos < 0 ? 0 : int.Parse(r.AsSpan(ePos + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var intPart = dot < 0 ? mantissa : mantissa[..dot];
        var fracPart = dot < 0 ? string.Empty : mantissa[(dot + 1)..];
        var digits = (intPart + fracPart).TrimStart('0');
        var leadingZerosRemoved = (intPart + fracPart).Length - digits.Length;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            digits = "0";
        }

        // value = 0.d1d2...dn * 10^decpt
        var decpt = intPart.Length - leadingZerosRemoved + exp10;
        var sb = new StringBuilder(32);
        if (negative)
        {
            sb.Append('-');
        }

        if (decpt <= -4 || decpt > 16)
        {
            sb.Append(digits[0]);
            if (digits.Length > 1)
            {
                sb.Append('.').Append(digits, 1, digits.Length - 1);
            }

            var e = decpt - 1;
            sb.Append('e').Append(e < 0 ? '-' : '+');
            sb.Append(Math.Abs(e).ToString("00", CultureInfo.InvariantCulture));
        }
        else if (decpt <= 0)
        {
            sb.Append("0.").Append('0', -decpt).Append(digits);
        }
        else if (decpt < digits.Length)
        {
            sb.Append(digits, 0, decpt).Append('.').Append(digits, decpt, digits.Length - decpt);
        }
        else
        {
            sb.Append(digits).Append('0', decpt - digits.Length).Append(".0");
        }

        return sb.ToString();
    }
}
