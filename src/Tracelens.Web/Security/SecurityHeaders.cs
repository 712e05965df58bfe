using Microsoft.AspNetCore.Http;

namespace Tracelens.Web.Security;

/// <summary>
/// Headers that keep the dashboard's data on this machine: a CSP that allows this origin only (no
/// CDN, no external script, image or connection), no framing, no referrer, no MIME sniffing.
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    // 'unsafe-inline' for styles only: ECharts writes style attributes into its tooltip markup.
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers["Cross-Origin-Resource-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        return next(context);
    }
}
