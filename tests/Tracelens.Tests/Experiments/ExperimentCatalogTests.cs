using System.Text;
using Tracelens.Experiments;
using Tracelens.Tests.Support;
using Xunit;

namespace Tracelens.Tests.Experiments;

/// <summary>The catalog is complete and each experiment lives in the folder its id names, with a README stating its question.</summary>
public sealed class ExperimentCatalogTests
{
    [Fact]
    public void Every_experiment_type_is_registered_once_with_a_unique_id()
    {
        var types = typeof(IExperiment).Assembly.GetTypes().Where(t => typeof(IExperiment).IsAssignableFrom(t) && !t.IsAbstract && !t.IsInterface).ToHashSet();
        Assert.Equal(types, ExperimentCatalog.All.Select(e => e.GetType()).ToHashSet());
        Assert.Equal(ExperimentCatalog.All.Count, ExperimentCatalog.All.Select(e => e.Id).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Each_id_names_the_experiments_folder_and_namespace_and_its_readme_states_the_question()
    {
        foreach (var experiment in ExperimentCatalog.All)
        {
            var parts = experiment.Id.Split('/');
            Assert.Equal(2, parts.Length);
            var folders = parts.Select(Pascal).ToArray();
            Assert.Equal($"Tracelens.Experiments.{folders[0]}.{folders[1]}", experiment.GetType().Namespace);
            var readme = Path.Combine(TestPaths.RepoRoot, "src", "Tracelens", "Experiments", folders[0], folders[1], "README.md");
            Assert.True(File.Exists(readme), $"{experiment.Id}: no README.md at {readme}");
            var text = File.ReadAllText(readme, Encoding.UTF8);
            Assert.StartsWith($"# {experiment.Id}\n", text, StringComparison.Ordinal);
            Assert.Contains($"**{experiment.Question}**", text.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        }
    }

    private static string Pascal(string snake) => string.Concat(snake.Split('_').Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
}
