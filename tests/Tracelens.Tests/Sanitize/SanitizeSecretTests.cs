using Tracelens.Sanitize;
using Xunit;
using static Tracelens.Tests.Sanitize.SanitizeTestKit;

namespace Tracelens.Tests.Sanitize;

public sealed class SanitizeSecretTests : IDisposable
{
    private readonly string _home = Path.Combine(Directory.CreateTempSubdirectory("tracelens-home-").FullName, "home");

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_home)!, recursive: true);

    [Fact]
    public void The_secret_is_created_once_as_private_hex_and_then_reused()
    {
        var first = SanitizeSecret.LoadOrCreate(_home);
        var second = SanitizeSecret.LoadOrCreate(_home);

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        var path = Path.Combine(_home, "secret");
        Assert.Matches("^[0-9a-f]{64}\n$", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(_home));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }
    }

    [Fact]
    public void Two_installations_get_different_secrets()
    {
        var other = _home + "-2";
        Assert.NotEqual(SanitizeSecret.LoadOrCreate(_home), SanitizeSecret.LoadOrCreate(other));
    }

    [Fact]
    public void A_malformed_secret_file_is_an_error_not_a_new_secret()
    {
        Directory.CreateDirectory(_home);
        File.WriteAllText(Path.Combine(_home, "secret"), "not hex\n");

        Assert.Throws<InvalidDataException>(() => SanitizeSecret.LoadOrCreate(_home));
        var report = Sanitizer.Run(new MemoryStream("{}\n"u8.ToArray()), new MemoryStream(), new SanitizeOptions { SecretHome = _home });
        Assert.StartsWith("cannot load the sanitize secret", report.Error, StringComparison.Ordinal);
        Assert.Equal("not hex\n", File.ReadAllText(Path.Combine(_home, "secret")));
    }

    [Fact]
    public void Keyed_mode_without_an_explicit_secret_uses_the_installation_secret()
    {
        Directory.CreateDirectory(_home);
        File.WriteAllText(Path.Combine(_home, "secret"), Convert.ToHexStringLower(Secret) + "\n");

        var fromFile = Run(Jsonl(ClaudeRow), new SanitizeOptions { SecretHome = _home, Gate = Tracelens.Sanitize.LeakGateOptions.None });

        Assert.Equal(Run(Jsonl(ClaudeRow), Keyed()).Output, fromFile.Output);
    }

    [Fact]
    public void The_default_home_honours_tracelens_home()
    {
        var before = Environment.GetEnvironmentVariable(SanitizeSecret.HomeVariable);
        try
        {
            Environment.SetEnvironmentVariable(SanitizeSecret.HomeVariable, _home);
            Assert.Equal(Path.Combine(_home, "secret"), SanitizeSecret.PathFor());
            Environment.SetEnvironmentVariable(SanitizeSecret.HomeVariable, null);
            Assert.EndsWith(Path.Combine(".tracelens", "secret"), SanitizeSecret.PathFor(), StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(SanitizeSecret.HomeVariable, before);
        }
    }
}
