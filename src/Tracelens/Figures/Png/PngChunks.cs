using System.Buffers.Binary;
using System.Text;

namespace Tracelens.Figures.Png;

/// <summary>One PNG chunk: its four-letter type and its data (length and CRC are derived).</summary>
public sealed record PngChunk(string Type, byte[] Data);

/// <summary>
/// PNG's chunk layer (ISO/IEC 15948 §5): the 8-byte signature, then chunks of
/// <c>length (BE32) | type | data | CRC-32 of type + data</c>, ending with IEND. Reading checks
/// the signature, every length and every CRC, so a damaged file is refused with its offset.
/// </summary>
public static class PngChunks
{
    public static ReadOnlySpan<byte> Signature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>True when the bytes start with the PNG signature.</summary>
    public static bool HasSignature(ReadOnlySpan<byte> file) => file.StartsWith(Signature);

    /// <summary>The chunks of a PNG, up to and including IEND.</summary>
    /// <exception cref="InvalidDataException">Not a PNG, truncated, a bad CRC, or no IEND.</exception>
    public static List<PngChunk> Read(ReadOnlySpan<byte> file)
    {
        if (!HasSignature(file))
        {
            throw new InvalidDataException("not a PNG file (its first 8 bytes are not the PNG signature)");
        }

        var chunks = new List<PngChunk>();
        var offset = Signature.Length;
        while (true)
        {
            if (file.Length - offset < 12)
            {
                throw new InvalidDataException($"truncated PNG: chunk header expected at byte {offset}, {file.Length - offset} bytes left");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(file[offset..]);
            if (length > int.MaxValue || length > file.Length - offset - 12)
            {
                throw new InvalidDataException($"truncated PNG: the chunk at byte {offset} claims {length} bytes");
            }

            var typeBytes = file.Slice(offset + 4, 4);
            foreach (var b in typeBytes)
            {
                if (!char.IsAsciiLetter((char)b))
                {
                    throw new InvalidDataException($"damaged PNG: the chunk at byte {offset} has an invalid type");
                }
            }

            var type = Encoding.ASCII.GetString(typeBytes);
            var data = file.Slice(offset + 8, (int)length);
            var stored = BinaryPrimitives.ReadUInt32BigEndian(file[(offset + 8 + (int)length)..]);
            if (stored != Crc(typeBytes, data))
            {
                throw new InvalidDataException($"damaged PNG: CRC mismatch in the {type} chunk at byte {offset}");
            }

            chunks.Add(new PngChunk(type, data.ToArray()));
            offset += 12 + (int)length;
            if (type == "IEND")
            {
                return chunks;
            }
        }
    }

    /// <summary>The PNG file of these chunks (signature, then each chunk with its length and CRC).</summary>
    public static byte[] Write(IEnumerable<PngChunk> chunks)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        using var output = new MemoryStream();
        output.Write(Signature);
        Span<byte> word = stackalloc byte[4];
        foreach (var chunk in chunks)
        {
            var type = Encoding.ASCII.GetBytes(chunk.Type);
            if (type.Length != 4)
            {
                throw new ArgumentException($"chunk type '{chunk.Type}' is not four letters", nameof(chunks));
            }

            BinaryPrimitives.WriteUInt32BigEndian(word, (uint)chunk.Data.Length);
            output.Write(word);
            output.Write(type);
            output.Write(chunk.Data);
            BinaryPrimitives.WriteUInt32BigEndian(word, Crc(type, chunk.Data));
            output.Write(word);
        }

        return output.ToArray();
    }

    /// <summary>CRC-32 (ISO 3309, reflected polynomial 0xEDB88320) over the type then the data, as PNG defines it.</summary>
    public static uint Crc(ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in type)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        foreach (var b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
