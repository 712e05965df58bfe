using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tracelens.Figures.Png;

/// <summary>
/// Turns an SVG into PNG bytes, or says why it cannot. <see cref="System"/> uses the system's
/// librsvg and cairo in-process (no child process, no temporary file); where they are missing
/// it is unavailable with the reason, and figures stay SVG only.
/// </summary>
public abstract class SvgRasterizer
{
    private static readonly Lazy<SvgRasterizer> SystemRasterizer = new(() => Librsvg.Probe());

    /// <summary>librsvg + cairo when this machine has them, otherwise an unavailable rasterizer naming what is missing.</summary>
    public static SvgRasterizer System => SystemRasterizer.Value;

    /// <summary>A rasterizer that never renders, for the given reason (tests, <c>--no-png</c>).</summary>
    public static SvgRasterizer Unavailable(string reason) => new UnavailableRasterizer(reason);

    /// <summary>Null when PNGs can be rendered, else why not (one sentence a user can act on).</summary>
    public abstract string? UnavailableReason { get; }

    public bool IsAvailable => UnavailableReason is null;

    /// <summary>Renders <paramref name="svg"/> scaled to fill <paramref name="widthPixels"/> × <paramref name="heightPixels"/> (RGBA, 8 bits per channel).</summary>
    /// <exception cref="InvalidOperationException">The rasterizer is unavailable, or the library reported an error.</exception>
    public abstract byte[] RenderPng(string svg, int widthPixels, int heightPixels);

    private sealed class UnavailableRasterizer(string reason) : SvgRasterizer
    {
        public override string? UnavailableReason { get; } = reason;

        public override byte[] RenderPng(string svg, int widthPixels, int heightPixels) => throw new InvalidOperationException(UnavailableReason);
    }
}

/// <summary>
/// librsvg 2.46+ (<c>rsvg_handle_render_document</c>) drawing into a cairo image surface, which
/// cairo encodes as PNG into a managed stream. The libraries are the distribution's
/// (<c>librsvg2-2</c>, <c>libcairo2</c>), loaded by their sonames.
/// </summary>
internal sealed unsafe partial class Librsvg : SvgRasterizer
{
    private const string Rsvg = "librsvg-2.so.2";
    private const string Cairo = "libcairo.so.2";
    private const string GObject = "libgobject-2.0.so.0";
    private const string GLib = "libglib-2.0.so.0";
    private const int CairoFormatArgb32 = 0;
    private const int CairoStatusSuccess = 0;
    private const int CairoStatusWriteError = 11;

    // Rendering shares fontconfig and pango caches inside the native libraries; one figure at a time keeps that safe at a cost of ~0.1 s per figure.
    private static readonly Lock RenderLock = new();

    public override string? UnavailableReason => null;

    /// <summary>
    /// Loads the libraries once; a missing one (or a librsvg older than 2.46) gives an unavailable
    /// rasterizer that says which and how to install it. <paramref name="rsvgLibrary"/> lets tests
    /// probe a library that is not there.
    /// </summary>
    public static SvgRasterizer Probe(string rsvgLibrary = Rsvg)
    {
        foreach (var (library, package) in new[] { (rsvgLibrary, "librsvg2-2"), (Cairo, "libcairo2"), (GObject, "libglib2.0-0"), (GLib, "libglib2.0-0") })
        {
            if (!NativeLibrary.TryLoad(library, typeof(Librsvg).Assembly, null, out var handle))
            {
                return Unavailable($"{library} is not installed (Debian/Ubuntu: apt-get install {package})");
            }

            if (library == rsvgLibrary && !NativeLibrary.TryGetExport(handle, "rsvg_handle_render_document", out _))
            {
                return Unavailable($"{library} is older than librsvg 2.46 (no rsvg_handle_render_document)");
            }
        }

        return new Librsvg();
    }

    public override byte[] RenderPng(string svg, int widthPixels, int heightPixels)
    {
        ArgumentNullException.ThrowIfNull(svg);
        ArgumentOutOfRangeException.ThrowIfLessThan(widthPixels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(heightPixels, 1);
        var bytes = global::System.Text.Encoding.UTF8.GetBytes(svg);
        lock (RenderLock)
        {
            nint handle, surface = 0, cairo = 0;
            fixed (byte* data = bytes)
            {
                handle = rsvg_handle_new_from_data(data, (nuint)bytes.Length, out var error);
                if (handle == 0)
                {
                    throw new InvalidOperationException("librsvg could not parse the SVG: " + TakeError(error));
                }
            }

            try
            {
                surface = cairo_image_surface_create(CairoFormatArgb32, widthPixels, heightPixels);
                cairo = cairo_create(surface);
                var viewport = new RsvgRectangle { Width = widthPixels, Height = heightPixels };
                if (rsvg_handle_render_document(handle, cairo, &viewport, out var error) == 0)
                {
                    throw new InvalidOperationException("librsvg could not render the SVG: " + TakeError(error));
                }

                if (cairo_status(cairo) != CairoStatusSuccess)
                {
                    throw new InvalidOperationException($"cairo failed while drawing (status {cairo_status(cairo)})");
                }

                using var png = new MemoryStream();
                var target = GCHandle.Alloc(png);
                try
                {
                    var status = cairo_surface_write_to_png_stream(surface, &WriteToStream, GCHandle.ToIntPtr(target));
                    if (status != CairoStatusSuccess)
                    {
                        throw new InvalidOperationException($"cairo could not encode the PNG (status {status})");
                    }
                }
                finally
                {
                    target.Free();
                }

                return png.ToArray();
            }
            finally
            {
                if (cairo != 0)
                {
                    cairo_destroy(cairo);
                }

                if (surface != 0)
                {
                    cairo_surface_destroy(surface);
                }

                g_object_unref(handle);
            }
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static int WriteToStream(nint closure, byte* data, uint length)
    {
        try
        {
            var stream = (MemoryStream)GCHandle.FromIntPtr(closure).Target!;
            stream.Write(new ReadOnlySpan<byte>(data, checked((int)length)));
            return CairoStatusSuccess;
        }
        catch (Exception e) when (e is IOException or OverflowException or OutOfMemoryException or NotSupportedException)
        {
            // An exception must not cross into native code; cairo reports the write error instead.
            return CairoStatusWriteError;
        }
    }

    /// <summary>The message of a GError (then freed), or a placeholder when librsvg gave none.</summary>
    private static string TakeError(nint error)
    {
        if (error == 0)
        {
            return "no details";
        }

        // struct GError { GQuark domain; gint code; gchar *message; }
        var message = Marshal.PtrToStringUTF8(*(nint*)(error + 8)) ?? "no details";
        g_error_free(error);
        return message;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RsvgRectangle
    {
        public double X;
        public double Y;
        public double Width;
        public double Height;
    }

    [LibraryImport(Rsvg)]
    private static partial nint rsvg_handle_new_from_data(byte* data, nuint length, out nint error);

    [LibraryImport(Rsvg)]
    private static partial int rsvg_handle_render_document(nint handle, nint cairo, RsvgRectangle* viewport, out nint error);

    [LibraryImport(Cairo)]
    private static partial nint cairo_image_surface_create(int format, int width, int height);

    [LibraryImport(Cairo)]
    private static partial nint cairo_create(nint surface);

    [LibraryImport(Cairo)]
    private static partial int cairo_status(nint cairo);

    [LibraryImport(Cairo)]
    private static partial int cairo_surface_write_to_png_stream(nint surface, delegate* unmanaged[Cdecl]<nint, byte*, uint, int> write, nint closure);

    [LibraryImport(Cairo)]
    private static partial void cairo_destroy(nint cairo);

    [LibraryImport(Cairo)]
    private static partial void cairo_surface_destroy(nint surface);

    [LibraryImport(GObject)]
    private static partial void g_object_unref(nint instance);

    [LibraryImport(GLib)]
    private static partial void g_error_free(nint error);
}
