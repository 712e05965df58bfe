using Microsoft.Data.Sqlite;
using Tracelens.Ledger;
using Xunit;

namespace Tracelens.Tests.Ledger;

/// <summary>
/// A prepared statement skips binding the text already bound at a position (SQLite keeps bindings
/// across executions). Every other kind of value bound there in between must end that.
/// </summary>
public class SqliteStatementTests
{
    private static SqliteParameterCollection Parameters(object value)
    {
        var command = new SqliteCommand();
        command.Parameters.AddWithValue("?2", value);
        return command.Parameters;
    }

    [Fact]
    public void Text_bound_again_after_any_other_value_at_its_position_is_stored_again()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        new SqliteCommand("CREATE TABLE t (n INTEGER PRIMARY KEY, x, y);", connection).ExecuteNonQuery();
        using (var insert = new SqliteStatement(connection, "INSERT INTO t (n, x, y) VALUES (?1, ?2, ?3);"))
        {
            var n = 0L;
            void Row(Action<SqliteStatement> bindX)
            {
                insert.Bind(1, ++n);
                bindX(insert);
                insert.Bind(3, "same");
                insert.Execute();
            }

            Row(s => s.Bind(2, "a"));
            Row(s => s.Bind(2, new string('a', 1))); // equal text, another string object: skipped, still "a"
            Row(s => s.Bind(2, 5L));
            Row(s => s.Bind(2, "a"));
            Row(s => s.Bind(2, (long?)null));
            Row(s => s.Bind(2, "a"));
            Row(s => s.BindText(2, "b"u8));
            Row(s => s.Bind(2, "a"));
            Row(s => s.BindBlob(2, [1, 2]));
            Row(s => s.Bind(2, "a"));
            Row(s => s.Bind(2, (string?)null));
            Row(s => s.Bind(2, "a"));
            Row(s => s.BindParameters(Parameters(DBNull.Value)));
            Row(s => s.Bind(2, "a"));
            Row(s => s.BindParameters(Parameters(1.5)));
            Row(s => s.Bind(2, "a"));
            Row(s => s.Bind(2, "c"));
        }

        using var reader = new SqliteCommand("SELECT quote(x), y FROM t ORDER BY n;", connection).ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0) + "," + reader.GetString(1));
        }

        Assert.Equal(
            ["'a',same", "'a',same", "5,same", "'a',same", "NULL,same", "'a',same", "'b',same", "'a',same", "X'0102',same", "'a',same",
             "NULL,same", "'a',same", "NULL,same", "'a',same", "1.5,same", "'a',same", "'c',same"],
            rows);
    }
}
