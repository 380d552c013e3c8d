// Registration mistakes: the registry's messages name the kind in words and the definition at fault.
module Hybrid.Tests.Properties.RegistryNameTests

open System
open Hybrid
open Xunit

let private refusal (definition: Definition) (registry: Registry) =
    match Registry.tryAdd definition registry with
    | Error message -> message
    | Ok _ -> failwith "expected the registry to refuse the definition"

let private definition kind name = { Kind = kind; Name = name; Describe = Map.empty; Value = box () }

[<Theory>]
[<InlineData(DefinitionKind.PeriodicTask, "periodic task")>]
[<InlineData(DefinitionKind.ReadModel, "read model")>]
[<InlineData(DefinitionKind.Processor, "processor")>]
let ``a bad name is refused naming the kind in words`` (kind: DefinitionKind) (words: string) =
    Assert.StartsWith($"The {words} name ", refusal (definition kind "bad name!") Registry.empty)

[<Theory>]
[<InlineData(DefinitionKind.PeriodicTask, "A periodic task named 'nightly' is already registered.")>]
[<InlineData(DefinitionKind.ReadModel, "A read model named 'nightly' is already registered.")>]
[<InlineData(DefinitionKind.Upcaster, "An upcaster named 'nightly' is already registered.")>]
let ``a name registered twice is refused naming the kind in words and the name`` (kind: DefinitionKind) (expected: string) =
    let once = Registry.add (definition kind "nightly") Registry.empty
    Assert.Equal(expected, refusal (definition kind "nightly") once)
