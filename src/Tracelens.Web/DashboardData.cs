using System.Collections.Concurrent;
using System.Security.Cryptography;
using Tracelens.Ledger;
using Tracelens.Pricing;
using Tracelens.Upload;

namespace Tracelens.Web;

/// <summary>
/// Where requests get their data: the price table (read once), a ledger connection per request
/// (so requests run side by side; SQLite readers do not block each other in WAL mode, and each
/// sees the latest committed ingest), and the uploads analyzed in this run, each in its own
/// scratch ledger under a private temporary folder removed when the server stops.
/// </summary>
public sealed class DashboardData(DashboardOptions options) : IDisposable
{
    private readonly Lazy<PriceBook> _prices = new(() => PriceBook.Open(options.PricesPath, options.Env, options.Home));
    private readonly ConcurrentDictionary<string, UploadAnalysis> _uploads = new(StringComparer.Ordinal);
    private readonly Lazy<string> _scratchRoot = new(() => Directory.CreateTempSubdirectory("tracelens-uploads-").FullName);

    public DashboardOptions Options => options;

    public PriceBook Prices => _prices.Value;

    /// <summary>
    /// Opens the user's ledger, or with <paramref name="uploadId"/> that upload's scratch ledger;
    /// null when there is none (the user's ledger is never created here: a read-only view).
    /// </summary>
    public LedgerDatabase? OpenLedger(string? uploadId = null)
    {
        if (uploadId is not null)
        {
            return _uploads.TryGetValue(uploadId, out var upload) ? LedgerDatabase.Open(upload.LedgerPath) : null;
        }

        return File.Exists(options.LedgerPath) ? LedgerDatabase.Open(options.LedgerPath) : null;
    }

    /// <summary>Analyzes an upload into a new scratch ledger and remembers it under a random id.</summary>
    public (string Id, UploadAnalysis Analysis) Analyze(Stream body)
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var scratch = Path.Combine(_scratchRoot.Value, id);
        try
        {
            var analysis = TraceUpload.Analyze(body, scratch, options.UploadLimits);
            _uploads[id] = analysis;
            return (id, analysis);
        }
        catch
        {
            TryDelete(scratch);
            throw;
        }
    }

    /// <summary>The upload's sanitized trace (.jsonl.gz), written on first request; null for an unknown id.</summary>
    public (string? Path, string? Error) Sanitized(string uploadId)
    {
        if (!_uploads.TryGetValue(uploadId, out var upload))
        {
            return (null, null);
        }

        var path = Path.Combine(Path.GetDirectoryName(upload.LedgerPath)!, "sanitized.jsonl.gz");
        if (!File.Exists(path))
        {
            var report = TraceUpload.WriteSanitized(upload.LedgerPath, path);
            if (!report.Succeeded || report.Refused.Count > 0)
            {
                TryDelete(path);
                return (null, report.Error ?? $"{report.Refused.Count} row(s) still leaked after sanitizing and were refused");
            }
        }

        return (path, null);
    }

    public void Dispose()
    {
        if (_scratchRoot.IsValueCreated)
        {
            TryDelete(_scratchRoot.Value);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else
            {
                File.Delete(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // a scratch folder left in the temp directory is harmless
        }
    }
}
