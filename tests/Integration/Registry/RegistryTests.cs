using Microsoft.FSharp.Collections;
using static Hybrid.RegistryModule;

namespace Hybrid.Tests.Integration.Registry;

public sealed class RegistryTests
{
    private static Definition Named(DefinitionKind kind, string name) =>
        new(kind, name, MapModule.Empty<string, FSharpList<string>>(), name);

    [Fact]
    public void Duplicate_name_of_one_kind_is_rejected_naming_the_definition()
    {
        var registry = add(Named(DefinitionKind.Command, "Invite"), empty);

        var duplicate = tryAdd(Named(DefinitionKind.Command, "Invite"), registry);

        Assert.True(duplicate.IsError);
        Assert.Contains("'Invite'", duplicate.ErrorValue);
    }

    [Fact]
    public void Same_name_of_different_kinds_is_accepted_and_listed_in_registration_order()
    {
        var registry = add(Named(DefinitionKind.ReadModel, "Invites"), add(Named(DefinitionKind.Query, "Invites"), empty));

        Assert.Equal(["Invites", "Invites"], registry.All.Select(d => d.Name));
        Assert.Equal(DefinitionKind.Query, registry.All.Head.Kind);
        Assert.True(tryFind(DefinitionKind.ReadModel, "Invites", registry) is not null);
        Assert.Null(tryFind(DefinitionKind.Processor, "Invites", registry));
    }

    [Fact]
    public void Empty_name_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => add(Named(DefinitionKind.Decider, " "), empty));
    }

    [Fact]
    public void Empty_name_message_names_the_kind_with_its_article()
    {
        Assert.Equal("An upcaster definition has an empty name.", tryAdd(Named(DefinitionKind.Upcaster, ""), empty).ErrorValue);
        Assert.Equal("A read model definition has an empty name.", tryAdd(Named(DefinitionKind.ReadModel, " "), empty).ErrorValue);
    }
}
