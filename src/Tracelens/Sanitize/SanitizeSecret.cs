using System.Security.Cryptography;
using System.Text;

namespace Tracelens.Sanitize;

/// <summary>
/// The per-installation secret of <see cref="KeyedSanitizer"/>: 32 random bytes stored as hex in
/// <c>&lt;TRACELENS_HOME or ~/.tracelens&gt;/secret</c>, created (mode 0600) on first use.
/// </summary>
public static class SanitizeSecret
{
    /// <summary>The secret's file name inside the Tracelens home folder.</summary>
    public const string FileName = "secret";

    /// <summary>The environment variable that overrides the home folder.</summary>
    public const string HomeVariable = "TRACELENS_HOME";

    /// <summary><c>$TRACELENS_HOME</c> when set, else <c>~/.tracelens</c>.</summary>
    public static string DefaultHome()
    {
        var fromEnv = Environment.GetEnvironmentVariable(HomeVariable);
        return string.IsNullOrEmpty(fromEnv)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".tracelens")
            : fromEnv;
    }

    /// <summary>Path of the secret file for a home folder (default: <see cref="DefaultHome"/>).</summary>
    public static string PathFor(string? home = null) => Path.Combine(home ?? DefaultHome(), FileName);

    /// <summary>
    /// Reads the secret, creating it first when absent. Two processes racing to create it end up
    /// with the same secret (the file is published with a no-overwrite rename).
    /// </summary>
    /// <exception cref="InvalidDataException">The file exists but does not hold 64 hex characters.</exception>
    /// <exception cref="IOException">The file or folder cannot be read or created.</exception>
    public static byte[] LoadOrCreate(string? home = null)
    {
        var path = PathFor(home);
        if (!File.Exists(path))
        {
            Create(path);
        }

        return Read(path);
    }

    private static byte[] Read(string path)
    {
        var text = File.ReadAllText(path, Encoding.UTF8).Trim();
        if (text.Length != KeyedSanitizer.SecretLength * 2 || !text.All(char.IsAsciiHexDigit))
        {
            throw new InvalidDataException($"{path}: expected {KeyedSanitizer.SecretLength * 2} hex characters; delete the file to make a new secret (pseudonyms will change)");
        }

        return Convert.FromHexString(text);
    }

    private static void Create(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(dir))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(dir);
            }
            else
            {
                Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var secret = RandomNumberGenerator.GetBytes(KeyedSanitizer.SecretLength);
        var temp = Path.Combine(dir, $".{FileName}.{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexStringLower(secret) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            try
            {
                File.Move(temp, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process published its secret first; use that one.
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
