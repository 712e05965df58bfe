namespace Tracelens.Cli;

/// <summary>Documented process exit codes (README, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Success (also: nothing to do, e.g. no agent history found).</summary>
    public const int Ok = 0;

    /// <summary>The command line was wrong (unknown option, missing argument).</summary>
    public const int Usage = 1;

    /// <summary>The input could not be processed (unreadable or invalid file, refused rows).</summary>
    public const int Failure = 2;

    /// <summary>The output could not be written (disk full, read-only location).</summary>
    public const int OutputError = 3;

    /// <summary>The ledger cannot be used (corrupt, newer than this binary, unwritable).</summary>
    public const int LedgerError = 4;
}
