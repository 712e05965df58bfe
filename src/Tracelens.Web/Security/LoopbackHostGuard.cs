using Microsoft.AspNetCore.Http;
using Tracelens.Reports;

namespace Tracelens.Web.Security;

/// <summary>
/// Refuses (403, JSON) every request whose Host header is not a loopback name. The server listens on
/// 127.0.0.1 only, but a web page the user visits can still reach it through DNS rebinding (its own
/// name re-pointed at 127.0.0.1); such a request carries that foreign name as its Host, so checking
/// the Host closes the hole.
/// </summary>
public sealed class LoopbackHostGuard(RequestDelegate next)
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    public Task InvokeAsync(HttpContext context)
    {
        var host = context.Request.Host;
        if (host.HasValue && IsLoopback(host.Host))
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentType = "application/json; charset=utf-8";
        var message = $"refused: Host '{host.Value}' is not this machine; the Tracelens dashboard answers only to localhost, 127.0.0.1 or [::1] (a guard against DNS rebinding)";
        return context.Response.WriteAsync(ReportJson.Document(j =>
        {
            j.WriteStartObject();
            j.WriteStartObject("error");
            j.WriteString("code", "forbidden-host");
            j.WriteString("message", message);
            j.WriteEndObject();
            j.WriteEndObject();
        }) + "\n");
    }

    /// <summary>The host part of a Host header (HostString has split off the port) names this machine's loopback interface.</summary>
    public static bool IsLoopback(string host) => LoopbackHosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase));
}
