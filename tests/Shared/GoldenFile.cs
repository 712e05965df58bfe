using System.Text;
using Xunit;

namespace Tracelens.Testing;

/// <summary>
/// Hand-written golden-file check (Verify is unavailable here), compiled into every test project.
/// A missing golden is written and the test fails, so a new snapshot is always looked at once; set
/// TRACELENS_UPDATE_GOLDEN=1 to accept changed output deliberately.
/// </summary>
public static class GoldenFile
{
    public static void Match(string actual, string path)
    {
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
            var at = FirstDifference(expected, actual);
            Assert.Fail($"output differs from golden {path} at char {at}:\n" +
                        $"expected: {Excerpt(expected, at)}\nactual:   {Excerpt(actual, at)}");
        }
    }

    private static int FirstDifference(string a, string b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            if (a[i] != b[i])
            {
                return i;
            }
        }

        return n;
    }

    private static string Excerpt(string s, int at)
    {
        var start = Math.Max(0, at - 60);
        var len = Math.Min(s.Length - start, 160);
        return len <= 0 ? "<end>" : s.Substring(start, len).Replace("\n", "\\n", StringComparison.Ordinal);
    }
}
