using Microsoft.Extensions.Configuration;

namespace Tracelens.Web;

/// <summary>What the dashboard reads: the ledger, the price overrides, the home its hotspots resolve settings under, the port.</summary>
public sealed record DashboardOptions
{
    /// <summary>The ledger file (the CLI resolves <c>--ledger</c>, <c>$TRACELENS_HOME</c> or <c>~/.tracelens</c> first).</summary>
    public required string LedgerPath { get; init; }

    /// <summary>A price override file, or null for the embedded table (plus the default override file when <see cref="Home"/> has one).</summary>
    public string? PricesPath { get; init; }

    /// <summary>The user's home: default price overrides and Claude settings (hotspots' shell output cap) are found under it.</summary>
    public string Home { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>Reads an environment variable (tests pass a sealed one).</summary>
    public Func<string, string?> Env { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The loopback port to listen on; 0 picks a free one; null leaves the server to the host (tests).</summary>
    public int? Port { get; init; }

    /// <summary>Caps on dropped uploads (size as sent, unpacked size, archive members).</summary>
    public Tracelens.Upload.UploadLimits UploadLimits { get; init; } = new();

    /// <summary>The time zone when a request names none (the CLI's default: <c>$TZ</c>, else the system's).</summary>
    public TimeZoneInfo DefaultTimeZone { get; init; } = TimeZoneInfo.Local;

    /// <summary>
    /// Options from configuration (<c>Tracelens:Ledger</c>, <c>Tracelens:Prices</c>, <c>Tracelens:Home</c>,
    /// <c>Tracelens:TimeZone</c>, and the upload caps <c>Tracelens:MaxUploadBytes</c>, <c>MaxUnpackedBytes</c>, <c>MaxUploadMembers</c>):
    /// how the app runs on its own and under WebApplicationFactory.
    /// </summary>
    public static DashboardOptions FromConfiguration(IConfiguration configuration)
    {
        var home = configuration["Tracelens:Home"] is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return new DashboardOptions
        {
            LedgerPath = Tracelens.Ledger.LedgerPaths.Resolve(configuration["Tracelens:Ledger"], Environment.GetEnvironmentVariable, home),
            PricesPath = configuration["Tracelens:Prices"],
            Home = home,
            DefaultTimeZone = configuration["Tracelens:TimeZone"] is { Length: > 0 } zone ? Tracelens.Reports.ReportTime.FindZone(zone) : TimeZoneInfo.Local,
            UploadLimits = new Tracelens.Upload.UploadLimits
            {
                MaxUploadBytes = Number(configuration["Tracelens:MaxUploadBytes"]) ?? new Tracelens.Upload.UploadLimits().MaxUploadBytes,
                MaxUnpackedBytes = Number(configuration["Tracelens:MaxUnpackedBytes"]) ?? new Tracelens.Upload.UploadLimits().MaxUnpackedBytes,
                MaxMembers = (int?)Number(configuration["Tracelens:MaxUploadMembers"]) ?? new Tracelens.Upload.UploadLimits().MaxMembers,
            },
        };
    }

    private static long? Number(string? text) =>
        long.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
