namespace Tracelens.Figures;

/// <summary>Maps a data value of one axis to a fraction of the axis length (0 at <see cref="Min"/>, 1 at <see cref="Max"/>).</summary>
public abstract class Scale
{
    protected Scale(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"an axis needs finite limits with max > min (got {min}, {max})");
        }

        Min = min;
        Max = max;
    }

    public double Min { get; }

    public double Max { get; }

    public abstract double Fraction(double value);
}

/// <summary>A linear axis. Token axes (binary, compressed) are linear axes over transformed values, as TraceLab plots them.</summary>
public sealed class LinearScale(double min, double max) : Scale(min, max)
{
    public override double Fraction(double value) => (value - Min) / (Max - Min);
}

/// <summary>A logarithmic axis (base 10 by default); values at or below zero sit at the axis start.</summary>
public sealed class LogScale : Scale
{
    public LogScale(double min, double max, double logBase = 10)
        : base(min, max)
    {
        if (min <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(min), min, "a log axis starts above zero");
        }

        Base = logBase;
    }

    public double Base { get; }

    public override double Fraction(double value) =>
        value <= 0 ? 0 : (Math.Log(value, Base) - Math.Log(Min, Base)) / (Math.Log(Max, Base) - Math.Log(Min, Base));

    /// <summary>Ticks at the powers of the base within the limits, labelled by <paramref name="label"/>.</summary>
    public IReadOnlyList<Tick> PowerTicks(Func<double, string> label)
    {
        ArgumentNullException.ThrowIfNull(label);
        var ticks = new List<Tick>();
        for (var exponent = Math.Ceiling(Math.Log(Min, Base) - 1e-9); Math.Pow(Base, exponent) <= Max * (1 + 1e-9); exponent++)
        {
            var value = Math.Pow(Base, exponent);
            ticks.Add(new Tick(value, label(value)));
        }

        return ticks;
    }
}

/// <summary>Tick positions for linear axes: round steps (1, 2, 2.5, 5 × 10ⁿ) as matplotlib's default locator picks them.</summary>
public static class LinearTicks
{
    private static readonly double[] Steps = [1, 2, 2.5, 5, 10];

    /// <summary>At most <paramref name="maxTicks"/> ticks at multiples of a round step inside [min, max].</summary>
    public static IReadOnlyList<Tick> Between(double min, double max, int maxTicks, Func<double, string> label)
    {
        ArgumentNullException.ThrowIfNull(label);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTicks, 2);
        if (!(max > min))
        {
            return [new Tick(min, label(min))];
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10((max - min) / maxTicks)));
        for (var decade = magnitude; ; decade *= 10)
        {
            foreach (var multiple in Steps)
            {
                var step = multiple * decade;
                var first = Math.Ceiling((min / step) - 1e-9);
                var last = Math.Floor((max / step) + 1e-9);
                if (last - first + 1 <= maxTicks)
                {
                    var ticks = new List<Tick>();
                    for (var i = first; i <= last; i++)
                    {
                        // Multiply instead of accumulating so 0.1 steps do not drift to 0.30000000000000004.
                        // "+ 0" turns a -0 (from ceiling a tiny negative) into 0, which would otherwise print as "-0".
                        var value = Math.Round(i * step, 12) + 0.0;
                        ticks.Add(new Tick(value, label(value)));
                    }

                    return ticks;
                }
            }
        }
    }
}
