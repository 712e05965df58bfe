using System.Text;

namespace Tracelens.Readers;

/// <summary>
/// Reduces a shell command to its verb (<c>git status</c>, <c>npm test</c>, <c>pytest</c>) so
/// hotspots can group "the same kind of command" (burn-spec §3.1, Bash verb parser). Scripts the
/// parser cannot read safely (heredocs, loops, unbalanced quotes) are <c>(shell)</c>.
/// </summary>
public static class ShellVerb
{
    public const string Unparsed = "(shell)";

    private static readonly HashSet<string> MultiWord = new(StringComparer.Ordinal)
    {
        "git", "gh", "npm", "pnpm", "yarn", "bun", "pip", "pip3", "uv", "poetry", "cargo", "make", "docker",
        "kubectl", "helm", "terraform", "brew", "apt", "apt-get", "gem", "bundle", "go", "dotnet",
    };

    private static readonly HashSet<string> PackageRunners = new(StringComparer.Ordinal) { "npm", "pnpm", "yarn", "bun" };

    private static readonly HashSet<string> OptionsWithValue = new(StringComparer.Ordinal)
    {
        "-C", "-c", "--config", "--filter", "--prefix", "--repo", "-R", "--git-dir", "--work-tree", "-f", "--file",
        "--manifest-path", "-p", "--project", "--namespace", "-n", "--context",
    };

    public static string? Of(string? command)
    {
        if (string.IsNullOrWhiteSpace(command))
        {
            return null;
        }

        var text = command.Trim();
        for (var guard = 0; guard < 8; guard++)
        {
            if (text.Contains("<<", StringComparison.Ordinal))
            {
                return Unparsed;
            }

            var segments = SplitTopLevel(text);
            if (segments is null || segments.Count == 0)
            {
                return Unparsed;
            }

            var first = segments[0].Trim();
            if (first.StartsWith('(') && first.EndsWith(')'))
            {
                text = first[1..^1].Trim();
                continue;
            }

            var words = Tokenize(first);
            if (words is null || words.Count == 0)
            {
                return Unparsed;
            }

            if (words[0] is "for" or "while" or "until" or "if" or "case" or "{" or "function")
            {
                return Unparsed;
            }

            // `cd X && real command`: the directory change is not the verb.
            if (words[0] == "cd" && segments.Count > 1)
            {
                text = string.Join(" && ", segments.Skip(1));
                continue;
            }

            var i = 0;
            while (i < words.Count && IsAssignment(words[i]))
            {
                i++;
            }

            if (i < words.Count && words[i] == "env")
            {
                i++;
                while (i < words.Count && (IsAssignment(words[i]) || words[i].StartsWith('-')))
                {
                    i++;
                }
            }

            if (i >= words.Count)
            {
                return Unparsed;
            }

            var binary = Path.GetFileName(words[i]);
            if (binary is "bash" or "sh" or "zsh" && i + 2 < words.Count && words[i + 1] is "-c" or "-lc")
            {
                text = words[i + 2];
                continue;
            }

            return VerbOf(binary, words, i + 1);
        }

        return Unparsed;
    }

    private static string VerbOf(string binary, List<string> words, int next)
    {
        if (binary.StartsWith("python", StringComparison.Ordinal) && next + 1 < words.Count && words[next] == "-m")
        {
            var module = words[next + 1];
            return module is "pytest" or "pip" ? module : $"python -m {module}";
        }

        if (binary == "node" && next < words.Count && words[next] == "--test")
        {
            return "node --test";
        }

        if (!MultiWord.Contains(binary))
        {
            return binary;
        }

        var sub = FirstWord(words, ref next);
        if (sub is null)
        {
            return binary;
        }

        if (PackageRunners.Contains(binary) && sub == "run")
        {
            var script = FirstWord(words, ref next);
            return script is null ? $"{binary} run" : $"{binary} {script}";
        }

        var twoPart = (binary, sub) switch
        {
            ("docker", "compose") or ("go", "mod") or ("uv", "pip") => true,
            ("gh", "pr" or "run" or "issue" or "repo" or "workflow" or "release") => true,
            _ => false,
        };
        if (twoPart)
        {
            var third = FirstWord(words, ref next);
            return third is null ? $"{binary} {sub}" : $"{binary} {sub} {third}";
        }

        return $"{binary} {sub}";
    }

    private static string? FirstWord(List<string> words, ref int i)
    {
        while (i < words.Count)
        {
            var w = words[i++];
            if (w.StartsWith('-'))
            {
                if (OptionsWithValue.Contains(w))
                {
                    i++;
                }

                continue;
            }

            return w;
        }

        return null;
    }

    private static bool IsAssignment(string word)
    {
        var eq = word.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return false;
        }

        for (var k = 0; k < eq; k++)
        {
            var c = word[k];
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return !char.IsAsciiDigit(word[0]);
    }

    /// <summary>Splits at top-level <c>&amp;&amp; || ; | newline</c>; null on unbalanced quotes or parentheses.</summary>
    private static List<string>? SplitTopLevel(string s)
    {
        var parts = new List<string>();
        var sb = new StringBuilder();
        var depth = 0;
        char quote = '\0';
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (quote != '\0')
            {
                if (c == '\\' && quote == '"' && i + 1 < s.Length)
                {
                    sb.Append(c).Append(s[++i]);
                    continue;
                }

                if (c == quote)
                {
                    quote = '\0';
                }

                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '\'' or '"':
                    quote = c;
                    sb.Append(c);
                    continue;
                case '\\' when i + 1 < s.Length:
                    sb.Append(c).Append(s[++i]);
                    continue;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (--depth < 0)
                    {
                        return null;
                    }

                    break;
            }

            if (depth == 0 && (c is ';' or '\n' or '|' || (c == '&' && i + 1 < s.Length && s[i + 1] == '&')))
            {
                if (sb.Length > 0)
                {
                    parts.Add(sb.ToString());
                }

                sb.Clear();
                if ((c == '&' || c == '|') && i + 1 < s.Length && s[i + 1] == c)
                {
                    i++;
                }

                continue;
            }

            sb.Append(c);
        }

        if (quote != '\0' || depth != 0)
        {
            return null;
        }

        if (sb.ToString().Trim().Length > 0)
        {
            parts.Add(sb.ToString());
        }

        return parts;
    }

    /// <summary>Words of one simple command, quotes removed; null on unbalanced quotes.</summary>
    private static List<string>? Tokenize(string s)
    {
        var words = new List<string>();
        var sb = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < s.Length)
                {
                    sb.Append(s[++i]);
                }
                else
                {
                    sb.Append(c);
                }

                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(sb.ToString());
                    sb.Clear();
                    inWord = false;
                }

                continue;
            }

            inWord = true;
            if (c is '\'' or '"')
            {
                quote = c;
            }
            else if (c == '\\' && i + 1 < s.Length)
            {
                sb.Append(s[++i]);
            }
            else
            {
                sb.Append(c);
            }
        }

        if (quote != '\0')
        {
            return null;
        }

        if (inWord)
        {
            words.Add(sb.ToString());
        }

        return words;
    }
}
