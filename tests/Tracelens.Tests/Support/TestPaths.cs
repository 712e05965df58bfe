using System.Runtime.CompilerServices;

namespace Tracelens.Tests.Support;

/// <summary>Where the repository, its goldens and the read-only <c>../shared</c> references are.</summary>
public static class TestPaths
{
    /// <summary>The repository root (found from this source file's location at compile time).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary><c>../shared</c> beside the checkout, or null when this checkout has none.</summary>
    public static string? SharedRoot
    {
        get
        {
            var env = Environment.GetEnvironmentVariable("TRACELENS_SHARED");
            var candidate = string.IsNullOrEmpty(env) ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared")) : env;
            return Directory.Exists(Path.Combine(candidate, "conformance")) ? candidate : null;
        }
    }

    public static string Shared(params string[] parts) =>
        Path.Combine([SharedRoot ?? throw new InvalidOperationException("../shared is absent"), .. parts]);

    /// <summary>The checked-in golden folder of the test project (source tree, not bin/).</summary>
    public static string Golden(params string[] parts) =>
        Path.Combine([RepoRoot, "tests", "Tracelens.Tests", "Golden", .. parts]);

    private static string FindRepoRoot([CallerFilePath] string thisFile = "")
    {
        var dir = Path.GetDirectoryName(thisFile);
        while (dir is not null && !File.Exists(Path.Combine(dir, "Tracelens.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new InvalidOperationException("repository root not found");
    }
}
