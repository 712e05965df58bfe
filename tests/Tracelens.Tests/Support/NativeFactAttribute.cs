using Tracelens.Figures.Png;
using Xunit;

namespace Tracelens.Tests.Support;

/// <summary>
/// A fact that needs native help: the system's librsvg (to render PNGs) and/or programs on PATH
/// (pngcheck, python3). Where one is missing the test is skipped, saying what is missing and how
/// to get it, instead of failing.
/// </summary>
public sealed class NativeFactAttribute : FactAttribute
{
    public NativeFactAttribute(bool librsvg, params string[] programs)
    {
        ArgumentNullException.ThrowIfNull(programs);
        var missing = new List<string>();
        if (librsvg && SvgRasterizer.System.UnavailableReason is { } reason)
        {
            missing.Add($"librsvg to render PNGs ({reason})");
        }

        missing.AddRange(programs.Where(p => ExternalProgram.Find(p) is null).Select(p => $"{p} on PATH (apt-get install {p})"));
        if (missing.Count > 0)
        {
            Skip = "needs " + string.Join(" and ", missing);
        }
    }
}

/// <summary>Finds and runs programs the tests use as independent checkers.</summary>
public static class ExternalProgram
{
    /// <summary>The full path of <paramref name="name"/> on PATH, or null.</summary>
    public static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);

    /// <summary>Runs the program to completion and returns its exit code, stdout and stderr.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string name, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Find(name) ?? throw new InvalidOperationException($"{name} is not on PATH"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr);
    }
}
