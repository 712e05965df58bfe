using Xunit;

namespace Tracelens.Web.BrowserTests;

/// <summary>
/// A test that drives Debian's Chromium through its chromedriver. Skipped, saying what to install,
/// when either is absent: the driver path is always given explicitly, so Selenium Manager never
/// tries to download a browser or driver.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";
    public const string ChromeDriver = "/usr/bin/chromedriver";

    public BrowserFactAttribute()
    {
        var missing = new[] { Chromium, ChromeDriver }.Where(p => !File.Exists(p)).ToList();
        if (missing.Count > 0)
        {
            Skip = $"needs {string.Join(" and ", missing)} (apt-get install -y chromium chromium-driver)";
        }
    }
}
