using System.CommandLine;
using Tracelens.Cli.Rendering;
using Tracelens.Reports;
using static Tracelens.Cli.Rendering.ReportFormat;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens compare m1,m2[,…]</c>: models side by side over the same steps (burn's compare,
/// kept to what the ledger records: cost and tokens per step, cache hit rate, tool use, how calls
/// ended). A thin presenter over <see cref="UsageReports.Compare"/>.
/// </summary>
public static class CompareCommand
{
    public static Command Build(CliIo io)
    {
        var options = new ReportOptions();
        var models = new Argument<string>("models") { Description = "Two or more model names, comma-separated (claude-sonnet-4-5,gpt-5.4); a date suffix or provider prefix may differ" };
        var command = options.AddTo(new Command("compare", "Compare models side by side: cost per step, tokens per step, cache hit rate, tool calls, turn outcomes") { models });
        command.SetAction(parse =>
        {
            var names = parse.GetValue(models)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).ToList();
            return options.Run(io, "compare", parse, ctx => Run(ctx, names),
                validate: () => _ = names.Count >= 2 ? names : throw new ReportUsageException(
                    $"needs at least two different models, comma-separated (got {(names.Count == 0 ? "none" : names[0])}); `tracelens summary` lists the models in your ledger"));
        });
        return command;
    }

    public static int Run(ReportContext ctx, IReadOnlyList<string> models)
    {
        var comparison = ctx.Reports.Compare(ctx.Filter, models);
        WarnUnpriced(ctx.Io, ctx.Verb, comparison.Models.SelectMany(m => m.Usage.UnpricedModels), comparison.Models.Sum(m => m.Usage.UnpricedSteps));
        if (ctx.Json)
        {
            JsonOutput.Write(ctx.Io.Out, j =>
            {
                j.WriteStartObject();
                WriteFilters(j, ctx.Filter);
                j.WriteStartArray("models");
                foreach (var m in comparison.Models)
                {
                    j.WriteStartObject();
                    j.WriteString("model", m.Model);
                    j.WriteStartArray("recorded_names");
                    foreach (var name in m.RecordedNames)
                    {
                        j.WriteStringValue(name);
                    }

                    j.WriteEndArray();
                    j.WriteNumber("steps", m.Steps);
                    j.WriteNumber("sessions", m.Sessions);
                    WriteTokens(j, "tokens", m.Usage.Tokens);
                    WriteUsd(j, "cost_usd", m.Usage.Cost);
                    j.WriteNumber("unpriced_steps", m.Usage.UnpricedSteps);
                    WriteUsd(j, "cost_per_step_usd", m.CostPerStep is { } c ? Math.Round(c, 6, MidpointRounding.ToEven) : null);
                    WriteRatio(j, "input_per_step", m.InputPerStep, 2);
                    WriteRatio(j, "output_per_step", m.OutputPerStep, 2);
                    WriteRatio(j, "prompt_per_step", m.PromptPerStep, 2);
                    WriteRatio(j, "cache_hit_rate", m.CacheHitRate, 4);
                    WriteRatio(j, "steps_per_session", m.StepsPerSession, 2);
                    j.WriteNumber("tool_calls", m.ToolCalls);
                    j.WriteNumber("tool_errors", m.ToolErrors);
                    WriteRatio(j, "tool_calls_per_step", m.ToolCallsPerStep, 4);
                    WriteRatio(j, "tool_error_rate", m.ToolErrorRate, 4);
                    WriteStopReasons(j, m.StopReasons);
                    j.WriteEndObject();
                }

                j.WriteEndArray();
                j.WriteEndObject();
            });
            return ExitCodes.Ok;
        }

        var io = ctx.Io;
        var filters = Filters(ctx.Filter);
        io.Out.WriteLine($"Comparing {comparison.Models.Count} models{(filters.Length > 0 ? " (" + filters + ")" : string.Empty)}");
        var table = new TextTable();
        table.AddColumn(new TextColumn(string.Empty).NoWrap());
        foreach (var m in comparison.Models)
        {
            table.AddColumn(Right(m.Model));
        }

        void Row(string label, Func<ModelStats, string> cell) => table.AddRow([label, .. comparison.Models.Select(m => cell(m))]);
        Row("recorded as", m => m.RecordedNames.Count == 0 ? "(no steps)" : string.Join("\n", m.RecordedNames));
        Row("steps", m => Count(m.Steps));
        Row("sessions", m => Count(m.Sessions));
        Row("cost", m => Money(m.Usage));
        Row("cost / step", m => m.CostPerStep is { } c ? Money(c) : "-");
        Row("fresh input / step", m => Amount(m.InputPerStep));
        Row("prompt / step", m => Amount(m.PromptPerStep));
        Row("output / step", m => Amount(m.OutputPerStep));
        Row("cache hit rate", m => Rate(m.CacheHitRate));
        Row("steps / session", m => Amount(m.StepsPerSession));
        Row("tool calls / step", m => m.ToolCallsPerStep is { } r ? r.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) : "-");
        Row("tool error rate", m => Rate(m.ToolErrorRate));
        Row("end-turn", m => Rate(m.EndTurnRate));
        Row("max-tokens", m => Rate(m.MaxTokensRate));
        table.Write(io);
        io.Out.WriteLine("Cache hit rate: cache reads / (fresh input + cache reads + cache writes). Prompt: all three.");
        return ExitCodes.Ok;
    }
}
