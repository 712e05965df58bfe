using System.Diagnostics;
using System.Globalization;

namespace Tracelens.Cli.Rendering;

/// <summary>
/// A single self-overwriting progress line on stderr, drawn only on an interactive terminal and
/// at most a few times a second; silent when stderr is redirected (logs and tests stay clean).
/// </summary>
public sealed class ProgressLine : IDisposable
{
    private readonly CliIo _io;
    private readonly string _label;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private long _lastDrawMs = -1000;
    private bool _drawn;

    public ProgressLine(CliIo io, string label)
    {
        _io = io;
        _label = label;
    }

    public void Report(long done, long total, long bytes)
    {
        if (!_io.ErrIsTerminal)
        {
            return;
        }

        lock (_gate)
        {
            var now = _clock.ElapsedMilliseconds;
            if (now - _lastDrawMs < 200 && done < total)
            {
                return;
            }

            _lastDrawMs = now;
            var mb = bytes / 1e6;
            var rate = now > 0 ? mb / (now / 1000.0) : 0;
            _io.Err.Write(string.Create(CultureInfo.InvariantCulture, $"\r{_label}: {done}/{total} files, {mb:F0} MB, {rate:F0} MB/s   "));
            _drawn = true;
        }
    }

    public void Dispose()
    {
        if (_drawn)
        {
            _io.Err.Write("\r\u001b[K");
        }
    }
}
