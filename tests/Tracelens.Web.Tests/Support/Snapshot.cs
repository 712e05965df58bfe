using System.Runtime.CompilerServices;
using System.Text;
using Xunit;

namespace Tracelens.Web.Tests.Support;

/// <summary>
/// Golden files in <c>tests/Tracelens.Web.Tests/Golden</c> (the same rules as the SDK tests'
/// Snapshot: a missing golden is written and fails once; TRACELENS_UPDATE_GOLDEN=1 accepts changes).
/// </summary>
public static class Snapshot
{
    public static void Match(string actual, string name)
    {
        var path = Path.Combine(GoldenRoot(), name);
        var update = Environment.GetEnvironmentVariable("TRACELENS_UPDATE_GOLDEN") == "1";
        if (!File.Exists(path) || update)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            if (!update)
            {
                Assert.Fail($"golden file created, review and commit it: {path}");
            }

            return;
        }

        var expected = File.ReadAllText(path, Encoding.UTF8);
        if (!string.Equals(expected, actual, StringComparison.Ordinal))
        {
            var at = 0;
            while (at < expected.Length && at < actual.Length && expected[at] == actual[at])
            {
                at++;
            }

            string Excerpt(string s) => at >= s.Length ? "<end>" : s.Substring(Math.Max(0, at - 60), Math.Min(s.Length - Math.Max(0, at - 60), 160));
            Assert.Fail($"output differs from golden {path} at char {at}:\nexpected: {Excerpt(expected)}\nactual:   {Excerpt(actual)}");
        }
    }

    private static string GoldenRoot([CallerFilePath] string thisFile = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(thisFile)!)!, "Golden");
}
