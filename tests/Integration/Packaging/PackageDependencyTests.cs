using System.Text.Json;
using System.Xml.Linq;

namespace Hybrid.Tests.Integration.Packaging;

/// <summary>
/// Pins the dependency rule between role projects: the core depends on nothing of ours, stores and adapters depend on
/// the shell, nothing that ships (src/, samples/) references a testing project, and no package that ships (src/ but
/// <c>Hybrid.Testing*</c>) depends on a test helper or test framework package, directly or through another package.
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

    /// <summary>Packages for tests only: each of these ids and the ids under it (<c>xunit.abstractions</c>, <c>FsCheck.Xunit</c>).</summary>
    private static readonly string[] TestOnlyPackages = ["Microsoft.Extensions.TimeProvider.Testing", "xunit", "FsCheck"];

    private static bool IsTestOnlyPackage(string id) =>
        TestOnlyPackages.Any(p => id.Equals(p, StringComparison.OrdinalIgnoreCase) || id.StartsWith(p + ".", StringComparison.OrdinalIgnoreCase));

    private static string[] ShippedProjects() =>
        ProjectFiles("src").Where(p => !IsTesting(Path.GetFileNameWithoutExtension(p))).ToArray();

    private static string[] ReferencedPackages(string projectOrPropsFile) =>
        XDocument.Load(projectOrPropsFile).Descendants("PackageReference")
            .Select(r => (string?)r.Attribute("Include") ?? (string?)r.Attribute("Update") ?? "")
            .ToArray();

    /// <summary>The packages a project restored, its project references' packages and their dependencies included.</summary>
    private static string[] RestoredPackages(string projectFile)
    {
        var assets = Path.Combine(Path.GetDirectoryName(projectFile)!, "obj", "project.assets.json");
        Assert.True(File.Exists(assets), $"{Path.GetFileName(projectFile)} is not restored ({assets} is missing); build the tests first.");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        return document.RootElement.GetProperty("libraries").EnumerateObject()
            .Where(library => library.Value.GetProperty("type").GetString() == "package")
            .Select(library => library.Name.Split('/')[0])
            .ToArray();
    }

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

    [Fact]
    public void no_shipped_project_references_a_test_helper_or_test_framework_package()
    {
        var shipped = ShippedProjects();
        Assert.NotEmpty(shipped);
        // What every shipped project imports from src/ counts as its own.
        var imported = Directory.EnumerateFiles(Path.Combine(Root, "src"), "Directory.Build.*", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"));
        var offending = shipped.Concat(imported)
            .SelectMany(p => ReferencedPackages(p).Where(IsTestOnlyPackage).Select(package => $"{Path.GetRelativePath(Root, p)} -> {package}"))
            .ToArray();
        Assert.Empty(offending);
        // The check sees such references where they are allowed: the test kit is built on FsCheck and xunit.
        Assert.Contains(ReferencedPackages(Path.Combine(Root, "src", "Shell.CSharp", "Hybrid.Testing", "Hybrid.Testing.fsproj")), IsTestOnlyPackage);
    }

    [Fact]
    public void no_shipped_package_depends_on_a_test_helper_or_test_framework_package_through_its_dependencies()
    {
        var offending = ShippedProjects()
            .SelectMany(p => RestoredPackages(p).Where(IsTestOnlyPackage).Select(package => $"{Path.GetFileName(p)} -> {package}"))
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
