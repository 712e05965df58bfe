using System.Runtime.CompilerServices;
using Tracelens.Testing;

namespace Tracelens.Web.Tests.Support;

/// <summary>Golden files in <c>tests/Tracelens.Web.Tests/Golden</c> (rules: <see cref="GoldenFile"/>).</summary>
public static class Snapshot
{
    public static void Match(string actual, string name) => GoldenFile.Match(actual, Path.Combine(GoldenRoot(), name));

    private static string GoldenRoot([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!, "Golden");
}
