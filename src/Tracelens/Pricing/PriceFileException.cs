namespace Tracelens.Pricing;

/// <summary>A price file that cannot be used; the message names the file and the 1-based line.</summary>
public sealed class PriceFileException : Exception
{
    public PriceFileException(string path, int line, string reason)
        : base(line > 0 ? $"{path}:{line}: {reason}" : $"{path}: {reason}")
    {
        Path = path;
        Line = line;
        Reason = reason;
    }

    public string Path { get; }

    /// <summary>1-based line of the problem; 0 when the whole file is at fault (e.g. unreadable).</summary>
    public int Line { get; }

    public string Reason { get; }
}
