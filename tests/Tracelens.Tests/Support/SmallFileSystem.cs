using System.Diagnostics;
using Xunit;

namespace Tracelens.Tests.Support;

/// <summary>
/// A real, size-limited file system: a tmpfs mounted on a temporary folder (root only). Filling it
/// gives the ENOSPC a full disk gives, all the way through SQLite's writes and the WAL.
/// </summary>
public sealed class SmallFileSystem : IDisposable
{
    public string Root { get; }

    public SmallFileSystem(int megabytes)
    {
        Root = Directory.CreateTempSubdirectory("tracelens-tmpfs-").FullName;
        var (code, error) = Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", Root);
        if (code != 0)
        {
            Directory.Delete(Root);
            throw new InvalidOperationException($"mount failed: {error}");
        }
    }

    /// <summary>Gives the file system <paramref name="megabytes"/> of room (the files stay).</summary>
    public void Resize(int megabytes)
    {
        var (code, error) = Run("mount", "-o", $"remount,size={megabytes}m", Root);
        Assert.True(code == 0, $"remount failed: {error}");
    }

    /// <summary>Makes the file system read-only (or writable again); the files stay.</summary>
    public void ReadOnly(bool readOnly)
    {
        var (code, error) = Run("mount", "-o", readOnly ? "remount,ro" : "remount,rw", Root);
        Assert.True(code == 0, $"remount failed: {error}");
    }

    public void Dispose()
    {
        Run("umount", "-l", Root);
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Still busy: the temporary folder is left empty behind.
        }
    }

    /// <summary>Null when a tmpfs can be mounted here, else why not (the test is skipped, saying so).</summary>
    public static string? UnavailableReason { get; } = Probe();

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            return "needs root on Linux to mount a size-limited tmpfs";
        }

        if (ExternalProgram.Find("mount") is null || ExternalProgram.Find("umount") is null)
        {
            return "needs mount and umount on PATH";
        }

        try
        {
            using var probe = new SmallFileSystem(1);
            return null;
        }
        catch (InvalidOperationException e)
        {
            return $"cannot mount a tmpfs here ({e.Message.Trim()})";
        }
    }

    private static (int Code, string Error) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(ExternalProgram.Find(program) ?? program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }
}

/// <summary>A fact that needs <see cref="SmallFileSystem"/>: skipped, with the reason, where no tmpfs can be mounted.</summary>
public sealed class SmallFileSystemFactAttribute : FactAttribute
{
    public SmallFileSystemFactAttribute()
    {
        if (SmallFileSystem.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }
}
