using System.Globalization;
using System.Text;
using Tracelens.Json;
using Tracelens.Model;

namespace Tracelens.Experiments.TraceFacts.OverviewSummary;

/// <summary>
/// Every headline fact of a trace (tracelab-spec §6.4): sessions, steps, tokens, generation and
/// human-wait timing, tools, for all steps and per provider. Definitions and outputs: README.md
/// beside this file.
/// </summary>
public sealed class OverviewSummaryExperiment : IExperiment
{
    public const string JsonFile = "summary.json";
    public const string TextFile = "summary.txt";

    public string Id => "trace_facts/overview_summary";

    public string Title => "Trace overview: every headline fact";

    public string Question => "How large is the trace, and what are its headline token, timing and tool facts, overall and per provider?";

    public ExperimentResult Run(ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var merged = new OverviewScope();
        var providers = new SortedDictionary<string, OverviewScope>(StringComparer.Ordinal);
        foreach (var step in context.Steps)
        {
            merged.Add(step);
            var provider = step.Provider.WireName();
            if (!providers.TryGetValue(provider, out var scope))
            {
                providers[provider] = scope = new OverviewScope();
            }

            scope.Add(step);
        }

        var summary = new PyObject { ["merged"] = merged.ToJson() };
        foreach (var (provider, scope) in providers)
        {
            summary[provider] = scope.ToJson();
        }

        context.Output.WriteText(JsonFile, PythonJsonIndented.Serialize(summary), summary.Count);
        context.Output.WriteText(TextFile, Text(summary), summary.Count);
        return new ExperimentResult
        {
            Outputs = context.Output.Files,
            Filters = ["every step; scopes: merged plus one per provider"],
            Counts = [new("steps", context.Steps.Count), new("scopes", summary.Count)],
        };
    }

    /// <summary>
    /// The human report: each scope under <c>[scope]</c>, every number of the JSON under its
    /// section, definitions left out; integers with thousands separators, floats with 2 decimals
    /// (4 for rates, shares and per-token latencies), <c>n/a</c> for undefined values.
    /// </summary>
    private static string Text(PyObject summary)
    {
        var sb = new StringBuilder();
        foreach (var (scope, facts) in summary)
        {
            sb.Append(CultureInfo.InvariantCulture, $"[{scope}]\n");
            AppendSection(sb, (PyObject)facts, 0);
            sb.Append('\n');
        }

        return sb.ToString();
    }

    private static void AppendSection(StringBuilder sb, PyObject section, int depth)
    {
        foreach (var (key, value) in section)
        {
            if (key.EndsWith("definition", StringComparison.Ordinal) || key == "total_input_growth_reduction_buckets")
            {
                continue;
            }

            var indent = new string(' ', depth * 2);
            if (value is PyObject nested)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{indent}{key.Replace('_', ' ')}:\n");
                AppendSection(sb, nested, depth + 1);
                continue;
            }

            sb.Append(CultureInfo.InvariantCulture, $"{indent}{key.Replace('_', ' ')}: {Format(key, value)}\n");
        }
    }

    private static string Format(string key, PyValue value) => value switch
    {
        PyNumber { IsInteger: true } integer => Grouped(integer.IntegerText!),
        PyNumber number => Grouped(PythonFormat.Fixed(number.AsDouble, PreciseKey(key) ? 4 : 2)),
        PyString text => text.Value,
        _ => "n/a",
    };

    private static bool PreciseKey(string key) =>
        key.Contains("hit_rate", StringComparison.Ordinal) || key.EndsWith("_share", StringComparison.Ordinal) || key.Contains("seconds_per_token", StringComparison.Ordinal);

    /// <summary>Python's <c>,</c> format option: commas between thousands of the integer part.</summary>
    private static string Grouped(string number)
    {
        var negative = number.StartsWith('-');
        var digits = negative ? number[1..] : number;
        var dot = digits.IndexOf('.', StringComparison.Ordinal);
        var integer = dot < 0 ? digits : digits[..dot];
        var sb = new StringBuilder();
        for (var i = 0; i < integer.Length; i++)
        {
            if (i > 0 && (integer.Length - i) % 3 == 0)
            {
                sb.Append(',');
            }

            sb.Append(integer[i]);
        }

        return (negative ? "-" : string.Empty) + sb + (dot < 0 ? string.Empty : digits[dot..]);
    }
}
