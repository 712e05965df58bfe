using Xunit;

namespace Tracelens.Tests.Support;

/// <summary>
/// The Native AOT CLI that <c>./tracelens</c> builds: <c>artifacts/cli/Tracelens.Cli</c> under the
/// repository root. Tests run whatever that build is; they cannot tell whether it is older than the
/// sources (the launcher rebuilds it on its next run).
/// </summary>
public static class NativeCli
{
    /// <summary>The native executable, or null when the launcher has not built one.</summary>
    public static string? Path
    {
        get
        {
            var path = System.IO.Path.Combine(TestPaths.RepoRoot, "artifacts", "cli", "Tracelens.Cli");
            return File.Exists(path) ? path : null;
        }
    }
}

/// <summary>
/// A fact that needs the launcher's Native AOT build. Where it is absent (never built, or the
/// launcher fell back to the ReadyToRun build, which has no native executable) the test is skipped,
/// saying how to get it, instead of failing.
/// </summary>
public sealed class NativeCliFactAttribute : FactAttribute
{
    public NativeCliFactAttribute()
    {
        if (NativeCli.Path is null)
        {
            Skip = "needs the Native AOT CLI at artifacts/cli/Tracelens.Cli; run ./tracelens once to build it";
        }
    }
}
