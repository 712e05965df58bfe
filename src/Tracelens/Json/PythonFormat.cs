using System.Globalization;
using System.Numerics;
using System.Text;

namespace Tracelens.Json;

/// <summary>
/// Python's <c>%</c>-formatting of floats (<c>%.2f</c>, <c>%.6g</c>, …) as TraceLab's CSVs and
/// tables use it (tracelab-spec §A.2): digits are rounded half-to-even on the exact binary value,
/// never on a shorter decimal approximation, so 0.125 → <c>0.12</c> and 2.675 → <c>2.67</c>.
/// </summary>
public static class PythonFormat
{
    /// <summary><c>'%.{decimals}f' % value</c>.</summary>
    public static string Fixed(double value, int decimals)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(decimals);
        if (!double.IsFinite(value))
        {
            return NonFinite(value);
        }

        var (digits, scale) = ExactDecimal(Math.Abs(value));
        var rounded = RoundToScale(digits, scale, decimals);
        return Layout(double.IsNegative(value), rounded, decimals);
    }

    /// <summary>
    /// <c>'%.{precision}g' % value</c>: <paramref name="precision"/> significant digits, exponent
    /// form (<c>1.23457e+06</c>) when the rounded exponent is below −4 or at least the precision,
    /// trailing zeros and a bare point removed.
    /// </summary>
    public static string General(double value, int precision = 6)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(precision, 1);
        if (!double.IsFinite(value))
        {
            return NonFinite(value);
        }

        var negative = double.IsNegative(value);
        if (value == 0)
        {
            return negative ? "-0" : "0";
        }

        var (digits, scale) = ExactDecimal(Math.Abs(value));
        // Exponent of the leading digit before rounding; rounding to `precision` digits may carry into one more.
        var exponent = digits.ToString(CultureInfo.InvariantCulture).Length - 1 - scale;
        var rounded = RoundToScale(digits, scale, precision - 1 - exponent);
        if (rounded.ToString(CultureInfo.InvariantCulture).Length > precision)
        {
            exponent++;
            rounded = RoundToScale(digits, scale, precision - 1 - exponent);
        }

        string text;
        if (exponent < -4 || exponent >= precision)
        {
            var mantissa = Layout(false, rounded, precision - 1);
            text = $"{TrimZeros(mantissa)}e{(exponent < 0 ? '-' : '+')}{Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture)}";
        }
        else
        {
            text = TrimZeros(Layout(false, rounded, precision - 1 - exponent));
        }

        return negative ? "-" + text : text;
    }

    /// <summary>TraceLab's percent cells: <c>f"{share * 100:.2f}%"</c>.</summary>
    public static string Percent(double share, int decimals = 2) => Fixed(share * 100, decimals) + "%";

    /// <summary>Python's spelling of NaN and infinities in <c>%f</c>/<c>%g</c>.</summary>
    private static string NonFinite(double value) => double.IsNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";

    /// <summary>The exact value of a finite non-negative double as digits × 10^−scale.</summary>
    private static (BigInteger Digits, int Scale) ExactDecimal(double value)
    {
        var bits = BitConverter.DoubleToInt64Bits(value);
        var exponentBits = (int)((bits >> 52) & 0x7FF);
        var mantissa = bits & 0xFFFFFFFFFFFFFL;
        if (exponentBits == 0)
        {
            exponentBits = 1;
        }
        else
        {
            mantissa |= 1L << 52;
        }

        var binaryExponent = exponentBits - 1075;
        if (binaryExponent >= 0)
        {
            return (new BigInteger(mantissa) << binaryExponent, 0);
        }

        // m / 2^k = m · 5^k / 10^k.
        return (new BigInteger(mantissa) * BigInteger.Pow(5, -binaryExponent), -binaryExponent);
    }

    /// <summary>digits × 10^−scale rounded half-to-even to <paramref name="decimals"/> places, as an integer × 10^−decimals.</summary>
    private static BigInteger RoundToScale(BigInteger digits, int scale, int decimals)
    {
        if (decimals >= scale)
        {
            return digits * BigInteger.Pow(10, decimals - scale);
        }

        var divisor = BigInteger.Pow(10, scale - decimals);
        var quotient = BigInteger.DivRem(digits, divisor, out var remainder);
        var twice = remainder * 2;
        if (twice > divisor || (twice == divisor && !quotient.IsEven))
        {
            quotient++;
        }

        return quotient;
    }

    /// <summary>Places the decimal point in an integer × 10^−decimals.</summary>
    private static string Layout(bool negative, BigInteger scaled, int decimals)
    {
        var text = scaled.ToString(CultureInfo.InvariantCulture);
        var sb = new StringBuilder(text.Length + 3);
        if (negative)
        {
            sb.Append('-');
        }

        if (decimals <= 0)
        {
            return sb.Append(text).Append('0', -decimals).ToString();
        }

        if (text.Length <= decimals)
        {
            text = new string('0', decimals - text.Length + 1) + text;
        }

        return sb.Append(text, 0, text.Length - decimals).Append('.').Append(text, text.Length - decimals, decimals).ToString();
    }

    private static string TrimZeros(string fixedText) =>
        fixedText.Contains('.', StringComparison.Ordinal) ? fixedText.TrimEnd('0').TrimEnd('.') : fixedText;
}
