using System.Runtime.InteropServices;

namespace Tracelens.Collect;

/// <summary>
/// A file's size, modification time and inode from one <c>stat(2)</c> call. .NET exposes no inode,
/// and the inode is what tells a file replaced under the same name (an editor's atomic save, a log
/// rotated and recreated) from the same file grown. Linux (x64 and arm64 share the offsets used
/// here) uses libc directly; elsewhere the inode is unknown (0) and size + mtime are used alone.
/// </summary>
public static partial class FileStatus
{
    // struct stat on Linux x86_64 and the generic (arm64) layout: st_ino at 8, st_size at 48, st_mtim at 88.
    private const int StatBufferSize = 256;
    private const int InodeOffset = 8;
    private const int SizeOffset = 48;
    private const int MtimeOffset = 88;

    private static bool _nativeUnavailable = !OperatingSystem.IsLinux()
        || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64);

    /// <summary>False when the file does not exist or cannot be stat'ed.</summary>
    public static bool TryGet(string path, out long size, out long modifiedNs, out long inode)
    {
        if (!_nativeUnavailable)
        {
            try
            {
                Span<byte> buffer = stackalloc byte[StatBufferSize];
                if (Stat(path, ref MemoryMarshal.GetReference(buffer)) != 0)
                {
                    size = modifiedNs = inode = 0;
                    return false;
                }

                inode = BitConverter.ToInt64(buffer[InodeOffset..]);
                size = BitConverter.ToInt64(buffer[SizeOffset..]);
                modifiedNs = BitConverter.ToInt64(buffer[MtimeOffset..]) * 1_000_000_000 + BitConverter.ToInt64(buffer[(MtimeOffset + 8)..]);
                return true;
            }
            catch (EntryPointNotFoundException)
            {
                _nativeUnavailable = true; // a libc older than 2.33 has no plain `stat` symbol
            }
        }

        inode = 0;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                size = modifiedNs = 0;
                return false;
            }

            size = info.Length;
            modifiedNs = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            size = modifiedNs = 0;
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = false)]
    private static partial int Stat(string path, ref byte buffer);
}
