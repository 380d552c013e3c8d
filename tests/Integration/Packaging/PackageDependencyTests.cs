using System.Xml.Linq;

namespace Hybrid.Tests.Integration.Packaging;

/// <summary>
/// Pins the dependency rule between role projects: the core depends on nothing of ours, stores and adapters depend on
/// the shell, and nothing that ships (src/, samples/) references a testing project.
/// </summary>
public sealed class PackageDependencyTests
{
    private static readonly string Root = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hybrid.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Hybrid.sln not found above the test output.");
    }

    private static IEnumerable<string> ProjectFiles(string folder) =>
        Directory.EnumerateFiles(Path.Combine(Root, folder), "*.*proj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));

    private static string[] ReferencedProjects(string projectFile) =>
        XDocument.Load(projectFile).Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension((string?)r.Attribute("Include") ?? ""))
            .ToArray();

    private static bool IsTesting(string projectName) => projectName.StartsWith("Hybrid.Testing", StringComparison.Ordinal);

    [Fact]
    public void no_production_project_references_a_testing_project()
    {
        var production = ProjectFiles("src").Concat(ProjectFiles("samples"))
            .Where(p => !IsTesting(Path.GetFileNameWithoutExtension(p)))
            .ToArray();
        Assert.NotEmpty(production);
        var offending = production
            .SelectMany(p => ReferencedProjects(p).Where(IsTesting).Select(t => $"{Path.GetFileName(p)} -> {t}"))
            .ToArray();
        Assert.Empty(offending);
    }

    /// <summary>
    /// The one layering between role packages: GraphQL is served over the HTTP adapter and shares its caller resolution
    /// and outcome bodies, so it may reference it (and nothing references GraphQL).
    /// </summary>
    private static bool LayeredOn(string role, string reference) => role == "Hybrid.Shell.GraphQL" && reference == "Hybrid.Shell.AspNetCore";

    [Fact]
    public void the_core_references_no_project_and_role_packages_reference_the_shell_not_each_other()
    {
        Assert.Empty(ReferencedProjects(Path.Combine(Root, "src", "Core.Domain", "Core.Domain.fsproj")));
        foreach (var role in new[] { "Hybrid.Shell.Postgres", "Hybrid.Shell.Lmdb", "Hybrid.Shell.AspNetCore", "Hybrid.Shell.GraphQL", "Hybrid.Shell.Nats" })
        {
            var references = ReferencedProjects(Path.Combine(Root, "src", "Shell.CSharp", role, role + ".csproj"));
            Assert.Contains("Hybrid.Shell", references);
            Assert.DoesNotContain(references, r => (r.StartsWith("Hybrid.Shell.", StringComparison.Ordinal) && !LayeredOn(role, r)) || r == "Shell.InMemory");
        }
        Assert.DoesNotContain(ReferencedProjects(Path.Combine(Root, "src", "Shell.CSharp", "Hybrid.Shell", "Hybrid.Shell.csproj")),
            r => r != "Core.Domain");
    }
}
