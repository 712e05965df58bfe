using System.Buffers.Binary;
using System.IO.Compression;
using Tracelens.Figures.Png;

namespace Tracelens.Tests.Figures;

/// <summary>A valid 2 × 1 RGBA PNG built by hand, so chunk and sidecar tests need no librsvg.</summary>
public static class TinyPng
{
    public static byte[] Create()
    {
        var header = new byte[13];
        BinaryPrimitives.WriteUInt32BigEndian(header, 2);
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4), 1);
        header[8] = 8; // bits per channel
        header[9] = 6; // RGBA
        using var pixels = new MemoryStream();
        using (var zlib = new ZLibStream(pixels, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write([0, 0x25, 0x63, 0xEB, 0xFF, 0xDC, 0x26, 0x26, 0xFF]); // filter 0, a blue and a red pixel
        }

        return PngChunks.Write([new PngChunk("IHDR", header), new PngChunk("IDAT", pixels.ToArray()), new PngChunk("IEND", [])]);
    }

    /// <summary>The tiny PNG carrying <paramref name="entries"/> exactly as given (no manifest added).</summary>
    public static byte[] With(params SidecarEntry[] entries) => PngSidecar.Embed(Create(), entries);
}
