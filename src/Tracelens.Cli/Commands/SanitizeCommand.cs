using System.CommandLine;
using System.Globalization;
using Tracelens.Cli.Rendering;
using Tracelens.Sanitize;

namespace Tracelens.Cli.Commands;

/// <summary>
/// <c>tracelens sanitize IN -o OUT</c>: pseudonymizes a normalized trace for sharing and refuses
/// any row that would still leak a path, a user name or a tool input.
/// </summary>
public static class SanitizeCommand
{
    public static Command Build(CliIo io)
    {
        var input = new Argument<string>("input") { Description = "Normalized trace (.jsonl or .jsonl.gz)" };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the sanitized trace (.jsonl or .jsonl.gz)", Required = true };
        var compat = new Option<string?>("--compat") { Description = "Reproduce another tool's pseudonyms exactly" };
        compat.AcceptOnlyFromAmong("tracelab", "tracelab-legacy");
        var seed = new Option<string?>("--seed") { Description = "Seed of the TraceLab-compatible mode (TraceLab's default when omitted)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var command = new Command("sanitize", "Make a trace safe to share: stable pseudonyms, no paths, no user names, no tool inputs")
        {
            input, output, compat, seed, json,
        };
        command.SetAction(parse => Run(io, parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(compat), parse.GetValue(seed), parse.GetValue(json)));
        return command;
    }

    public static int Run(CliIo io, string input, string output, string? compat, string? seed, bool json)
    {
        if (seed is not null && compat is null)
        {
            return Fail(io, json, "usage", "--seed only applies with --compat tracelab (the default mode uses this installation's secret)", ExitCodes.Usage);
        }

        if (!File.Exists(input))
        {
            return Fail(io, json, "input-missing", $"{input}: no such file", ExitCodes.Failure);
        }

        var options = new SanitizeOptions
        {
            Mode = compat switch
            {
                "tracelab" => SanitizeMode.TraceLab,
                "tracelab-legacy" => SanitizeMode.TraceLabLegacy,
                _ => SanitizeMode.Keyed,
            },
            Seed = seed ?? TraceLabCompatSanitizer.DefaultSeed,
            SecretHome = io.Env(SanitizeSecret.HomeVariable) is { Length: > 0 } h ? h : Path.Combine(io.Home, ".tracelens"),
            Gate = new LeakGateOptions { UserName = io.Env("USER") ?? Environment.UserName, HomePath = io.Home },
            InputName = input,
        };

        SanitizeReport report;
        try
        {
            report = Sanitizer.RunFile(input, output, options);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return Fail(io, json, "io-error", e.Message, ExitCodes.OutputError);
        }

        if (!report.Succeeded)
        {
            return Fail(io, json, "invalid-input", report.Error!, ExitCodes.Failure);
        }

        var mode = options.Mode switch
        {
            SanitizeMode.TraceLab => $"tracelab (seed {options.Seed})",
            SanitizeMode.TraceLabLegacy => $"tracelab-legacy (seed {options.Seed})",
            _ => "keyed (this installation's secret)",
        };
        if (json)
        {
            JsonOutput.Write(io.Out, j =>
            {
                j.WriteStartObject();
                j.WriteString("output", output);
                j.WriteString("mode", mode);
                j.WriteNumber("rows", report.Rows);
                j.WriteNumber("tools", report.Tools);
                j.WriteStartArray("refused");
                foreach (var refused in report.Refused)
                {
                    j.WriteStartObject();
                    j.WriteNumber("line", refused.Line);
                    j.WriteStartArray("leaks");
                    foreach (var leak in refused.Leaks)
                    {
                        j.WriteStringValue(leak.ToString());
                    }

                    j.WriteEndArray();
                    j.WriteEndObject();
                }

                j.WriteEndArray();
                j.WriteEndObject();
            });
        }
        else
        {
            var inv = CultureInfo.InvariantCulture;
            io.Out.WriteLine(string.Create(inv, $"Sanitized {Count(report.Rows, "row")} ({Count(report.Tools, "tool call")}) into {output}; pseudonyms: {mode}."));
            if (report.Refused.Count > 0)
            {
                io.Out.WriteLine($"Refused {Count(report.Refused.Count, "row")} that would still leak (not written):");
                foreach (var refused in report.Refused.Take(20))
                {
                    io.Out.WriteLine(string.Create(inv, $"  {input}:{refused.Line}: still holds {string.Join(", ", refused.Leaks)}"));
                }
            }
        }

        return report.Refused.Count > 0 ? ExitCodes.Failure : ExitCodes.Ok;
    }

    private static string Count(long n, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{n:N0} {noun}{(n == 1 ? string.Empty : "s")}");

    private static int Fail(CliIo io, bool json, string code, string message, int exit)
    {
        if (json)
        {
            JsonOutput.WriteError(io.Out, code, message);
        }
        else
        {
            io.Err.WriteLine($"tracelens sanitize: {message}");
        }

        return exit;
    }
}
