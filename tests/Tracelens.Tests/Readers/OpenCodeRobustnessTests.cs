using System.Text;
using System.Text.Json;
using Tracelens.Export;
using Tracelens.Model;
using Tracelens.Readers;
using Tracelens.Readers.OpenCode;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Readers;

/// <summary>
/// Corrupts the burn OpenCode fixtures one file at a time (truncation, garbage, swapped JSON types,
/// flipped bits, empty files, non-object documents). The reader must never throw, must report
/// unusable files, must keep every assistant message whose own file is intact, and must leave the
/// rows of every session whose files were not touched exactly as they were.
/// </summary>
public sealed class OpenCodeRobustnessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tracelens-opencode-robust-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private enum Damage
    {
        Truncate,
        Garbage,
        SwapType,
        FlipBits,
        Empty,
        NotAnObject,
    }

    private static (List<AgentStep> Steps, ReadDiagnostics Diagnostics) Read(string storage)
    {
        var diagnostics = new ReadDiagnostics(maxExamples: 5);
        return (new OpenCodeReader(diagnostics).ReadAll(storage), diagnostics);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>The files a session's rows are built from: its session file, its messages and their parts.</summary>
    private static HashSet<string> FilesOf(string storage, string sessionId)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        files.UnionWith(Directory.GetFiles(Path.Combine(storage, "session"), sessionId + ".json", SearchOption.AllDirectories));
        var messages = Path.Combine(storage, "message", sessionId);
        foreach (var message in Directory.Exists(messages) ? Directory.GetFiles(messages) : [])
        {
            files.Add(message);
            var parts = Path.Combine(storage, "part", Path.GetFileNameWithoutExtension(message));
            files.UnionWith(Directory.Exists(parts) ? Directory.GetFiles(parts) : []);
        }

        return files;
    }

    private static byte[] Corrupt(Random rng, byte[] original, Damage damage)
    {
        switch (damage)
        {
            case Damage.Truncate:
                return original[..rng.Next(original.Length)];
            case Damage.Garbage:
            {
                var bytes = new byte[rng.Next(1, 300)];
                rng.NextBytes(bytes);
                bytes[0] = 0xFF; // never the start of a JSON document
                return bytes;
            }

            case Damage.SwapType:
                return SwapType(rng, original);
            case Damage.FlipBits:
            {
                var bytes = original.ToArray();
                for (var n = rng.Next(1, 4); n > 0; n--)
                {
                    bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                }

                return bytes;
            }

            case Damage.Empty:
                return [];
            default:
                return Encoding.UTF8.GetBytes(rng.Next(3) switch { 0 => "[1,2]", 1 => "\"text\"", _ => "42" });
        }
    }

    /// <summary>Replaces one value (after a ':') with a value of another JSON type, textually.</summary>
    private static byte[] SwapType(Random rng, byte[] original)
    {
        var text = Encoding.UTF8.GetString(original);
        var colons = new List<int>();
        for (var i = text.IndexOf(':', StringComparison.Ordinal); i >= 0; i = text.IndexOf(':', i + 1))
        {
            colons.Add(i);
        }

        var at = colons[rng.Next(colons.Count)] + 1;
        while (at < text.Length && text[at] == ' ')
        {
            at++;
        }

        var end = at;
        if (text[at] == '"')
        {
            end = text.IndexOf('"', at + 1) + 1;
        }
        else if (text[at] is '{' or '[')
        {
            // Replace a whole container by matching its bracket (fixture strings hold no brackets).
            var depth = 0;
            do
            {
                depth += text[end] is '{' or '[' ? 1 : text[end] is '}' or ']' ? -1 : 0;
                end++;
            }
            while (depth > 0);
        }
        else
        {
            while (end < text.Length && text[end] is not (',' or '}' or ']' or '\n'))
            {
                end++;
            }
        }

        var replacement = rng.Next(7) switch { 0 => "\"swapped\"", 1 => "[]", 2 => "{}", 3 => "12.5", 4 => "-1", 5 => "true", _ => "null" };
        return Encoding.UTF8.GetBytes(text[..at] + replacement + text[end..]);
    }

    private static bool IsJsonObject(byte[] bytes)
    {
        try
        {
            using var doc = JsonDocument.Parse(bytes);
            return doc.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [SharedFact]
    public void Corrupted_fixture_files_never_throw_and_never_cost_an_untouched_message()
    {
        var rng = new Random(20260424);
        var variants = 0;
        foreach (var caseDir in Directory.GetDirectories(TestPaths.Shared("conformance", "burn", "opencode")).Order(StringComparer.Ordinal))
        {
            var storage = Path.Combine(_root, Path.GetFileName(caseDir));
            CopyTree(Path.Combine(caseDir, "storage"), storage);
            var baseline = Read(storage).Steps;
            var sessions = baseline.Select(s => s.SessionId).Distinct().ToDictionary(s => s, s => FilesOf(storage, s["opencode:".Length..]));
            var files = Directory.GetFiles(storage, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray();

            for (var i = 0; i < files.Length * 24; i++, variants++)
            {
                var file = files[rng.Next(files.Length)];
                var damage = (Damage)(variants % 6);
                var original = File.ReadAllBytes(file);
                var corrupted = Corrupt(rng, original, damage);
                File.WriteAllBytes(file, corrupted);
                List<AgentStep> steps;
                ReadDiagnostics diagnostics;
                try
                {
                    (steps, diagnostics) = Read(storage);
                }
                finally
                {
                    File.WriteAllBytes(file, original);
                }

                var what = $"{Path.GetRelativePath(_root, file)} ({damage})";
                if (damage is Damage.Garbage or Damage.Empty or Damage.NotAnObject || (damage == Damage.Truncate && !IsJsonObject(corrupted)))
                {
                    Assert.True(diagnostics.TotalSkipped >= 1, $"{what}: an unusable file was not reported");
                }

                // A broken session file falls back to its file name; only a changed id may lose the session.
                var sessionFileChanged = damage is Damage.SwapType or Damage.FlipBits && file.Contains("/session/", StringComparison.Ordinal);
                var present = steps.Select(s => (s.SessionId, s.RoundId)).ToHashSet();
                foreach (var step in baseline)
                {
                    var own = Path.GetFileNameWithoutExtension(file) == step.RoundId && file.Contains("/message/", StringComparison.Ordinal);
                    if (!own && !(sessionFileChanged && sessions[step.SessionId].Contains(file)))
                    {
                        Assert.True(present.Contains((step.SessionId, step.RoundId)), $"{what}: intact message {step.RoundId} was lost");
                    }
                }

                foreach (var (sessionId, sessionFiles) in sessions)
                {
                    if (!sessionFiles.Contains(file))
                    {
                        Assert.Equal(
                            baseline.Where(s => s.SessionId == sessionId).Select(NativeRowWriter.Serialize),
                            steps.Where(s => s.SessionId == sessionId).Select(NativeRowWriter.Serialize));
                    }
                }
            }
        }

        Assert.True(variants >= 1000, $"only {variants} variants");
    }
}
