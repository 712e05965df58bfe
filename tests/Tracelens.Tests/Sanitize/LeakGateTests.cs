using Tracelens.Sanitize;
using Xunit;
using static Tracelens.Tests.Sanitize.SanitizeTestKit;

namespace Tracelens.Tests.Sanitize;

public class LeakGateTests
{
    private static readonly LeakGate Plain = new(LeakGateOptions.None);

    private static readonly LeakGate Dave = new(new LeakGateOptions { UserName = "dave", HomePath = "/srv/people/dave" });

    private static string[] Paths(LeakGate gate, string json) => [.. gate.Find(Obj(json)).Select(f => f.Path)];

    private static LeakReason[] Reasons(LeakGate gate, string json) => [.. gate.Find(Obj(json)).Select(f => f.Reason)];

    [Fact]
    public void A_sanitized_row_is_clean()
    {
        var clean = new KeyedSanitizer(Secret).Sanitize(Obj(ClaudeRow));
        Assert.Empty(new LeakGate(new LeakGateOptions { UserName = "alice", HomePath = "/home/alice" }).Find(clean));
    }

    [Fact]
    public void The_raw_rows_leak_where_tracelab_says_they_do()
    {
        Assert.Equal(["session_file", "cwd", "tools[0].input", "home", "user"], Paths(Plain, CodexRow));
        Assert.Equal(
            [LeakReason.SensitiveKey, LeakReason.SensitiveKey, LeakReason.ToolInput, LeakReason.SensitiveKey, LeakReason.UserValue],
            Reasons(Plain, CodexRow));
    }

    [Fact]
    public void Sensitive_keys_are_found_at_any_depth_once_per_subtree()
    {
        Assert.Equal(
            ["tools[1].file_path", "meta.x[0].Repo-Url", "meta.log_path"],
            Paths(Plain, """{"tools":[{"a":1},{"file_path":{"cwd":"x"}}],"meta":{"x":[{"Repo-Url":1}],"log_path":2,"ok":3}}"""));
    }

    [Theory]
    [InlineData("logPath")]
    [InlineData("search_paths")]
    [InlineData("projectDir")]
    [InlineData("working-directory")]
    public void Path_like_keys_beyond_tracelabs_list_are_leaks_too(string key)
    {
        Assert.False(PrivacyRules.IsSensitiveKey(key));
        Assert.Equal([key], Paths(Plain, $$"""{"{{key}}":1}"""));
    }

    [Fact]
    public void A_tool_input_is_a_leak_whatever_it_holds()
    {
        Assert.Equal(["tools[0].input"], Paths(Plain, """{"tools":[{"input":null,"input_chars":0}]}"""));
        Assert.Empty(Paths(Plain, """{"other":[{"input":"x"}]}"""));
    }

    [Theory]
    [InlineData("""{"meta":{"notes":["see /home/carol/src for details"]}}""", "meta.notes[0]")]
    [InlineData("""{"a":"file:///Users/carol/x"}""", "a")]
    [InlineData("""{"a":"C:\\Users\\carol\\AppData"}""", "a")]
    [InlineData("""{"a":"c:/users/carol"}""", "a")]
    [InlineData("""{"a":"/root/.ssh"}""", "a")]
    [InlineData("""{"a":"-home-carol-src-widget"}""", "a")]
    [InlineData("""{"a":"C--Users-carol-proj"}""", "a")]
    [InlineData("""{"x":{"/home/carol/y":1}}""", "x./home/carol/y")]
    public void Home_directory_paths_are_found_in_values_and_keys(string json, string path)
    {
        var found = Assert.Single(Plain.Find(Obj(json)));
        Assert.Equal(path, found.Path);
        Assert.Equal(LeakReason.HomePath, found.Reason);
    }

    [Theory]
    [InlineData("""{"a":"built by dave"}""", LeakReason.UserName)]
    [InlineData("""{"a":"Dave.smith"}""", LeakReason.UserName)]
    [InlineData("""{"a":"dave-laptop"}""", LeakReason.UserName)]
    [InlineData("""{"a":"see /srv/people/dave/notes"}""", LeakReason.HomePath)]
    [InlineData("""{"a":"-srv-people-dave-proj"}""", LeakReason.HomePath)]
    [InlineData("""{"a":"/srv/people/dave"}""", LeakReason.HomePath)]
    public void The_configured_user_and_home_are_found(string json, LeakReason reason) =>
        Assert.Equal([reason], Reasons(Dave, json));

    [Theory]
    [InlineData("""{"a":"davenport","b":"dave_1","c":"1dave"}""")]
    [InlineData("""{"a":"/srv/people/davey is not the home"}""")]
    public void The_user_name_only_counts_as_a_whole_word(string json)
    {
        var findings = Dave.Find(Obj(json));
        Assert.DoesNotContain(findings, f => f.Reason == LeakReason.UserName);
        Assert.DoesNotContain(findings, f => f.Reason == LeakReason.HomePath);
    }

    [Fact]
    public void The_encoded_home_counts_only_as_a_whole_name()
    {
        var gate = new LeakGate(new LeakGateOptions { HomePath = "/opt/app/" });
        Assert.Equal([LeakReason.HomePath], Reasons(gate, """{"a":"-opt-app-src"}"""));
        Assert.Empty(Reasons(gate, """{"a":"mcp-opt-app","b":"x-opt-apps"}"""));
    }

    [Fact]
    public void Schema_words_do_not_count_as_the_user_name()
    {
        var gate = new LeakGate(new LeakGateOptions { UserName = "user" });
        Assert.Empty(gate.Find(Obj("""{"user":"user_0a1b2c3d","timing_events":[{"event_type":"user_message","source":"user.message"},{"source":"user.content.tool_result"}]}""")));
        Assert.Equal(["note"], Paths(gate, """{"note":"ask the user.name"}"""));
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("  /workspace/project")]
    [InlineData("/x")]
    [InlineData("D:\\data")]
    [InlineData("\\\\server\\share")]
    [InlineData("~/notes.txt")]
    [InlineData("ran cat /etc/hosts today")]
    [InlineData("out=C:\\tmp\\x")]
    public void Absolute_paths_are_found(string value)
    {
        var json = new Tracelens.Json.PyObject { ["v"] = new Tracelens.Json.PyString(value) }.ToJson();
        Assert.Equal([LeakReason.AbsolutePath], Reasons(Plain, json));
    }

    [Theory]
    [InlineData("and/or")]
    [InlineData("https://example.com/a/b")]
    [InlineData("2026-01-02T03:04:05.678Z")]
    [InlineData("1/2")]
    [InlineData("claude-opus-4-8")]
    [InlineData("/")]
    [InlineData("a /tmp word")]
    public void Ordinary_values_are_not_paths(string value)
    {
        var json = new Tracelens.Json.PyObject { ["v"] = new Tracelens.Json.PyString(value) }.ToJson();
        Assert.Empty(Plain.Find(Obj(json)));
    }

    [Fact]
    public void A_user_value_must_be_a_pseudonym()
    {
        Assert.Equal(["meta.User-Name"], Paths(Plain, """{"user":"user_0a1b2c3d","meta":{"User-Name":"erin"}}"""));
        Assert.Empty(Paths(Plain, """{"username":{"id":3}}"""));
    }
}
