using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tracelens.Web.Endpoints;
using Tracelens.Web.Security;

namespace Tracelens.Web;

/// <summary>Builds the dashboard: the loopback guard, security headers, the JSON API and the embedded page.</summary>
public static class DashboardApp
{
    /// <summary>
    /// The app, listening on 127.0.0.1 only when <see cref="DashboardOptions.Port"/> is set. Without
    /// <paramref name="options"/> they come from configuration (<see cref="DashboardOptions.FromConfiguration"/>).
    /// </summary>
    public static WebApplication Build(string[] args, DashboardOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = args,
            // The page is embedded; no content root on disk is needed, and the current folder is not served.
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        if (options?.Port is { } port)
        {
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        }

        builder.Services.AddSingleton(sp => new DashboardData(options ?? DashboardOptions.FromConfiguration(sp.GetRequiredService<IConfiguration>())));
        var app = builder.Build();
        // Headers first, so even a refusal carries them.
        app.UseMiddleware<SecurityHeaders>();
        app.UseMiddleware<LoopbackHostGuard>();
        var files = new ManifestEmbeddedFileProvider(typeof(DashboardApp).Assembly, "wwwroot", BuiltAt());
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        app.MapApi();
        app.MapUpload();
        return app;
    }

    /// <summary>
    /// The page's Last-Modified (and so its ETag): when this program was built. The provider's own
    /// default reads the assembly's file, which a Native AOT executable does not have, and falls
    /// back to the server's start time; every restart would then look like a new page to a browser.
    /// </summary>
    private static DateTimeOffset BuiltAt()
    {
        var assembly = Path.Combine(AppContext.BaseDirectory, typeof(DashboardApp).Assembly.GetName().Name + ".dll");
        var program = File.Exists(assembly) ? assembly : Environment.ProcessPath;
        return program is not null && File.Exists(program) ? File.GetLastWriteTimeUtc(program) : DateTimeOffset.UtcNow;
    }
}
