using System.Globalization;
using System.Text;
using Tracelens.Experiments;
using Tracelens.Experiments.TraceFacts.CsvExport;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Experiments;

/// <summary>
/// Every experiment output TraceLab ships for its conformance trace is reproduced
/// (tracelab-spec §12.4): integers and strings exactly, floats within 1e-12 relative (the
/// tolerance TraceLab allows where Python's summation order is not reproduced; tracelab-spec §A.3),
/// and, because summation orders and percentile formulas are reproduced too, byte for byte.
/// </summary>
public sealed class TraceLabConformanceTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("tracelens-conformance-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    private static string Expected(string name) => TestPaths.Shared("conformance", "tracelab", "expected", name);

    private string RunExperiment(IExperiment experiment)
    {
        var input = new TraceFileStepSource(Expected("round_trace.jsonl")).Load();
        Assert.Equal(19, input.Steps.Count);
        var run = Assert.Single(ExperimentRunner.Run([experiment], input, _out));
        Assert.True(run.Succeeded, run.Error);
        return run.OutputDirectory;
    }

    [SharedTheory]
    [InlineData("llm_generation/output_tokens", "output_tokens_summary.csv")]
    [InlineData("llm_generation/token_spindles", "token_spindle_summary.csv")]
    [InlineData("llm_generation/token_spindles", "token_spindles_stats.json")]
    [InlineData("prefix_cache/cache_hit_ratio", "cache_hit_ratio_summary.csv")]
    [InlineData("prefix_cache/cache_hit_ratio", "cache_hit_ratio_bins.csv")]
    [InlineData("prefix_cache/cache_hit_ratio", "cache_hit_ratio_round_split.csv")]
    [InlineData("prefix_cache/cache_hit_ratio", "cache_hit_ratio_token_weighted.csv")]
    [InlineData("prefix_cache/cache_hit_ratio", "cache_hit_ratio_table.md")]
    [InlineData("prefix_cache/cache_hit_ratio", "prefix_cache_hit_rate_table.tex")]
    [InlineData("trace_facts/overview_summary", "summary.json")]
    [InlineData("trace_facts/csv_export", "coding_trace.csv")]
    public void Experiment_output_matches_tracelab(string id, string file)
    {
        var directory = RunExperiment(ExperimentCatalog.Find(id)!);
        AssertSameWithFloatTolerance(File.ReadAllText(Expected(file)), File.ReadAllText(Path.Combine(directory, file)), file);

        // Beyond the tolerance TraceLab allows: every float is computed in Python's order, so the bytes agree too.
        Assert.Equal(File.ReadAllBytes(Expected(file)), File.ReadAllBytes(Path.Combine(directory, file)));
    }

    [SharedFact]
    public void Csv_export_in_stable_order_with_constant_arrivals_is_byte_exact()
    {
        var experiment = new CsvExportExperiment(new CsvExportOptions { ShuffleSessions = false, PoissonArrivals = false, ArrivalRate = 2, InternalToolLatency = true });
        var directory = RunExperiment(experiment);
        Assert.Equal(File.ReadAllBytes(Expected("coding_trace_stable_constant.csv")), File.ReadAllBytes(Path.Combine(directory, CsvExportExperiment.CsvFile)));
    }

    /// <summary>
    /// Compares two texts token by token: numbers that parse as floats (and are not plain
    /// integers) within 1e-12 relative, everything else exactly, including separators and line ends.
    /// </summary>
    internal static void AssertSameWithFloatTolerance(string expected, string actual, string what)
    {
        var e = Tokenize(expected);
        var a = Tokenize(actual);
        Assert.True(e.Count == a.Count, $"{what}: {a.Count} tokens, expected {e.Count}\nexpected:\n{expected}\nactual:\n{actual}");
        for (var i = 0; i < e.Count; i++)
        {
            if (e[i] == a[i])
            {
                continue;
            }

            var close = IsFloat(e[i]) && IsFloat(a[i]) &&
                        Math.Abs(double.Parse(e[i], CultureInfo.InvariantCulture) - double.Parse(a[i], CultureInfo.InvariantCulture)) <=
                        1e-12 * Math.Abs(double.Parse(e[i], CultureInfo.InvariantCulture));
            Assert.True(close, $"{what}: token {i} is '{a[i]}', expected '{e[i]}'\nexpected:\n{expected}\nactual:\n{actual}");
        }
    }

    private static bool IsFloat(string token) =>
        token.AsSpan().IndexOfAny(".eE") >= 0 && double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>Splits into maximal runs of number characters and single other characters.</summary>
    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var number = new StringBuilder();
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '-' or '+')
            {
                number.Append(c);
                continue;
            }

            if (number.Length > 0)
            {
                tokens.Add(number.ToString());
                number.Clear();
            }

            tokens.Add(c.ToString());
        }

        if (number.Length > 0)
        {
            tokens.Add(number.ToString());
        }

        return tokens;
    }
}
