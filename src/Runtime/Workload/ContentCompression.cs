using System;
using System.IO;
using System.IO.Compression;
using System.Text;

namespace AgentHive.Runtime.Workload;

/// <summary>
/// Transparent compression of large text: Brotli over UTF-8, stored as base64 text behind a marker that
/// ordinary text does not start with, so a column holds compressed and plain values side by side and a
/// reader tells them apart.
/// </summary>
public static class ContentCompression
{
    /// <summary>What a compressed value starts with (a control character, then the codec).</summary>
    public const string Marker = "\u001Fbr:";

    /// <summary>
    /// <paramref name="text"/> compressed when longer than <paramref name="threshold"/> characters and the
    /// result is shorter; otherwise <paramref name="text"/> itself.
    /// </summary>
    public static string Compress(string text, int threshold)
    {
        if (text.Length <= threshold || text.StartsWith(Marker, StringComparison.Ordinal))
        {
            return text;
        }

        using var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            brotli.Write(bytes, 0, bytes.Length);
        }

        var compressed = Marker + Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length);
        return compressed.Length < text.Length ? compressed : text;
    }

    /// <summary>As <see cref="Compress"/>, passing null through.</summary>
    public static string? CompressNullable(string? text, int threshold) => text is null ? null : Compress(text, threshold);

    /// <summary>As <see cref="Decompress"/>, passing null through.</summary>
    public static string? DecompressNullable(string? stored) => stored is null ? null : Decompress(stored);

    /// <summary>The text a stored value holds: decompressed when it carries the marker, else as stored.</summary>
    public static string Decompress(string stored)
    {
        if (!stored.StartsWith(Marker, StringComparison.Ordinal))
        {
            return stored;
        }

        var bytes = Convert.FromBase64String(stored.Substring(Marker.Length));
        using var brotli = new BrotliStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var reader = new StreamReader(brotli, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}
