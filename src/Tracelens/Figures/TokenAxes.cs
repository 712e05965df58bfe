using Tracelens.Json;

namespace Tracelens.Figures;

/// <summary>Tick label formats TraceLab's figures share (Python <c>%g</c> underneath).</summary>
public static class TickLabels
{
    /// <summary><c>0</c>, <c>16</c>, <c>512</c>, <c>1k</c>, <c>2k</c>, <c>1M</c>: binary thousands (1k = 1024 tokens).</summary>
    public static string Tokens(double value) => value switch
    {
        0 => "0",
        >= 1_048_576 => PythonFormat.General(value / 1_048_576) + "M",
        >= 1024 => PythonFormat.General(value / 1024) + "k",
        _ => PythonFormat.General(value),
    };

    /// <summary>Counts: <c>%g</c> below 1000, else thousands with a <c>k</c> (<c>1.5k</c>).</summary>
    public static string Count(double value) =>
        Math.Abs(value) >= 1000 ? PythonFormat.General(value / 1000) + "k" : PythonFormat.General(value);

    /// <summary>Plain <c>%g</c>.</summary>
    public static string General(double value) => PythonFormat.General(value);
}

/// <summary>
/// TraceLab's "binary token axis": linear between 0 and <see cref="FirstTick"/>, then one unit
/// per power of two, so 16, 32, 64 … are evenly spaced and 0 still has a place
/// (tracelab-spec §6.1; <c>artifacts/utils/formatters.py</c>).
/// </summary>
public sealed class BinaryTokenAxis(double firstTick = 16)
{
    public double FirstTick { get; } = firstTick > 0 ? firstTick : throw new ArgumentOutOfRangeException(nameof(firstTick));

    /// <summary>t(v) = 0 for v ≤ 0; v / first below the first tick; 1 + log2(v / first) from it on.</summary>
    public double Transform(double value) =>
        value <= 0 ? 0 : value < FirstTick ? value / FirstTick : 1 + Math.Log2(value / FirstTick);

    /// <summary>The axis end in transformed units for data up to <paramref name="maxValue"/>.</summary>
    public double Limit(double maxValue) => Transform(Math.Max(maxValue, FirstTick));

    /// <summary><c>linspace(0, limit, N + 1)</c> with N = max(8, ⌈limit · binsPerPower⌉): equal-width bins per power of two.</summary>
    public double[] BinEdges(double maxValue, int binsPerPower = 8)
    {
        var limit = Limit(maxValue);
        var count = Math.Max(8, (int)Math.Ceiling(limit * binsPerPower));
        return Analysis.Statistics.Histogram.Linspace(0, limit, count + 1);
    }

    /// <summary>
    /// 0 and the powers of two from the first tick up to the data's maximum; with more than
    /// <paramref name="maxTicks"/> − 1 of them, every ⌈n / (maxTicks − 1)⌉-th plus the last.
    /// </summary>
    public IReadOnlyList<Tick> Ticks(double maxValue, int maxTicks = 14)
    {
        var limit = Math.Max(maxValue, FirstTick);
        var raw = new List<double>();
        for (var tick = FirstTick; tick <= limit * 1.000001; tick *= 2)
        {
            raw.Add(tick);
        }

        var maxPositive = Math.Max(1, maxTicks - 1);
        var selected = raw;
        if (raw.Count > maxPositive)
        {
            var step = (int)Math.Ceiling(raw.Count / (double)maxPositive);
            selected = raw.Where((_, i) => i % step == 0).ToList();
            if (selected[^1] != raw[^1])
            {
                selected.Add(raw[^1]);
            }
        }

        return [new Tick(0, TickLabels.Tokens(0)), .. selected.Select(v => new Tick(Transform(v), TickLabels.Tokens(v)))];
    }
}

/// <summary>
/// The token spindles' compressed axis x(v) = log2(v + offset) − log2(offset) (offset 32): close
/// to linear below the offset, so the 0–32 region is not stretched, and log2 above it
/// (tracelab-spec §6.2).
/// </summary>
public sealed class CompressedTokenAxis(double offset = 32)
{
    private static readonly double[] CandidateTicks = [0, 32, 128, 512, 2_048, 8_192, 32_768, 131_072, 524_288];

    public double Offset { get; } = offset > 0 ? offset : throw new ArgumentOutOfRangeException(nameof(offset));

    public double Transform(double value) => Math.Log2(value + Offset) - Math.Log2(Offset);

    /// <summary>TraceLab's fixed ticks 0, 32, 128 … 512k, keeping those ≤ 1.05 × <paramref name="maxValue"/>.</summary>
    public IReadOnlyList<Tick> Ticks(double maxValue) =>
        CandidateTicks.Where(v => v <= maxValue * 1.05).Select(v => new Tick(Transform(v), TickLabels.Tokens(v))).ToList();
}
