using Tracelens.Testing;

namespace Tracelens.Tests.Support;

/// <summary>Golden files under <c>tests/Tracelens.Tests/Golden</c> (rules: <see cref="GoldenFile"/>).</summary>
public static class Snapshot
{
    public static void Match(string actual, params string[] goldenPath) => GoldenFile.Match(actual, TestPaths.Golden(goldenPath));
}
