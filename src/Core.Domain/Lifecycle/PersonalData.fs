// Personal data in event bodies: which top-level JSON properties of an event type are personal, and whose they are
// (the subject). Sealing replaces each personal value by a token the shell's cipher makes with the subject's key;
// unsealing restores it, or redacts it (JSON null) when the key is gone. Pure: the cipher is passed in.
namespace Hybrid

open System
open System.Text.Json.Nodes

/// The personal data of one event type: the property naming the subject, and the personal properties.
type PersonalDataDeclaration =
    { EventType: string
      /// The top-level property whose value (a string) names the subject, e.g. "customerId". Never personal itself.
      SubjectField: string
      /// The top-level properties holding the subject's personal data, e.g. "email", "name".
      Fields: string[] }

/// The personal-data declarations of an application, by event type.
type PersonalDataPolicy(declarations: PersonalDataDeclaration seq) =
    let byType =
        declarations
        |> Seq.map (fun d ->
            if String.IsNullOrEmpty d.EventType then invalidArg "declarations" "A personal-data declaration has no event type."
            elif String.IsNullOrEmpty d.SubjectField then invalidArg "declarations" $"The personal data of '{d.EventType}' names no subject field."
            elif isNull d.Fields || d.Fields.Length = 0 then invalidArg "declarations" $"The personal data of '{d.EventType}' names no field."
            elif Array.contains d.SubjectField d.Fields then
                invalidArg "declarations" $"The subject field '{d.SubjectField}' of '{d.EventType}' cannot be personal: it finds the key."
            else d.EventType, d)
        |> Map.ofSeq

    /// No personal data anywhere.
    static member None = PersonalDataPolicy([])

    /// The declaration of an event type, if it has one.
    member _.TryFind(eventType: string) = Map.tryFind eventType byType

    /// True when no event type declares personal data.
    member _.IsEmpty = byType.IsEmpty

/// Sealing and unsealing personal values in JSON bodies.
[<RequireQualifiedAccess>]
module PersonalData =

    /// Every sealed value is a JSON string starting with this.
    [<Literal>]
    let SealedPrefix = "hybrid-sealed:v1:"

    /// A declaration of an event type's personal data.
    let declare (eventType: string) (subjectField: string) (fields: string list) =
        { EventType = eventType; SubjectField = subjectField; Fields = Array.ofList fields }

    let private objectOf (body: string) =
        match (try JsonNode.Parse body with _ -> null) with
        | :? JsonObject as o -> Some o
        | _ -> None

    /// The subject an event body names, if any (a non-empty string property).
    let subjectOf (declaration: PersonalDataDeclaration) (body: string) : string option =
        objectOf body
        |> Option.bind (fun o ->
            match o[declaration.SubjectField] with
            | :? JsonValue as v ->
                match v.TryGetValue<string>() with
                | true, s when not (String.IsNullOrEmpty s) -> Some s
                | _ -> None
            | _ -> None)

    /// True when a JSON value is a sealed token.
    let isSealed (node: JsonNode) =
        match node with
        | :? JsonValue as v ->
            match v.TryGetValue<string>() with
            | true, s -> s.StartsWith(SealedPrefix, StringComparison.Ordinal)
            | _ -> false
        | _ -> false

    /// The body with each personal value present replaced by `seal field plainJson` (a token after SealedPrefix).
    /// None when the body names no subject. Values already sealed are left alone.
    let seal (declaration: PersonalDataDeclaration) (body: string) (sealValue: Func<string, string, string>) : string option =
        match objectOf body, subjectOf declaration body with
        | Some o, Some _ ->
            for field in declaration.Fields do
                match o[field] with
                | null -> ()
                | node when isSealed node -> ()
                | node -> o[field] <- JsonValue.Create(SealedPrefix + sealValue.Invoke(field, node.ToJsonString()))
            Some(o.ToJsonString())
        | _ -> None

    /// The body with each sealed value replaced by `unseal subject field token` (the plain JSON), or by null when that
    /// gives null (the subject's key is gone: the value is redacted). Bodies with nothing sealed are returned as they are.
    let unseal (declaration: PersonalDataDeclaration) (body: string) (unsealValue: Func<string, string, string, string>) : string =
        match objectOf body with
        | Some o when declaration.Fields |> Array.exists (fun f -> isSealed o[f]) ->
            let subject = subjectOf declaration body |> Option.defaultValue ""
            for field in declaration.Fields do
                if isSealed o[field] then
                    let token = o[field].GetValue<string>().Substring(SealedPrefix.Length)
                    match unsealValue.Invoke(subject, field, token) with
                    | null -> o[field] <- null
                    | plain -> o[field] <- JsonNode.Parse plain
            o.ToJsonString()
        | _ -> body
