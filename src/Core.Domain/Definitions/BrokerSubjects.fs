// Subjects of the message broker between the parts of a deployment: per-tenant event and command subjects, and the
// dead-letter subjects. Pure naming rules, shared by every process that publishes or consumes.
namespace Hybrid

open System

/// Subject names: "{prefix}.events.{tenant}.{suffix}", "{prefix}.commands.{tenant}.{command}", "{prefix}.dead.{what}".
module BrokerSubjects =

    /// A tenant id as one subject token: '.' (allowed in tenant ids, a separator in subjects) becomes '~' (never in tenant ids).
    let tenantToken (tenant: TenantId) = tenant.Replace('.', '~')

    /// The tenant id a token stands for.
    let tenantOfToken (token: string) = token.Replace('~', '.')

    let private tokenIsValid (token: string) =
        token.Length > 0
        && token |> String.forall (fun c -> c > ' ' && c < '\u007f' && c <> '.' && c <> '*' && c <> '>')

    /// Checks a subject suffix (dot-separated tokens, each printable ASCII without spaces or wildcards).
    let validateSuffix (field: string) (suffix: string) : Result<unit, Validation.Error> =
        if String.IsNullOrEmpty suffix then Error { Field = field; Message = "The subject is empty." }
        elif suffix.Split('.') |> Array.forall tokenIsValid then Ok()
        else Error { Field = field; Message = $"The subject '{suffix}' has an empty token, a space or a wildcard ('*', '>')." }

    /// The subject of an integration message of a tenant.
    let events (prefix: string) (tenant: TenantId) (suffix: string) = $"{prefix}.events.{tenantToken tenant}.{suffix}"

    /// Every event subject of every tenant.
    let allEvents (prefix: string) = $"{prefix}.events.>"

    /// The subject of a command of a tenant.
    let command (prefix: string) (tenant: TenantId) (name: string) = $"{prefix}.commands.{tenantToken tenant}.{name}"

    /// Every command subject.
    let allCommands (prefix: string) = $"{prefix}.commands.>"

    /// A fresh reply subject prefix for one command sender (no stream captures replies).
    let replies (prefix: string) (sender: Guid) = $"{prefix}.replies.{sender:N}"

    /// The dead-letter subject of messages of a kind ("commands", "events").
    let dead (prefix: string) (kind: string) = $"{prefix}.dead.{kind}"

    /// Every dead-letter subject.
    let allDead (prefix: string) = $"{prefix}.dead.>"

    /// The tenant and command name of a command subject, or an error naming what is wrong.
    let parseCommand (prefix: string) (subject: string) : Result<TenantId * string, Validation.Error> =
        let head = $"{prefix}.commands."
        if isNull subject || not (subject.StartsWith(head, StringComparison.Ordinal)) then
            Error { Field = "subject"; Message = $"'{subject}' is not a command subject ({head}<tenant>.<command>)." }
        else
            match subject.Substring(head.Length).Split('.') with
            | [| tenant; name |] when tenant.Length > 0 && name.Length > 0 ->
                let tenant = tenantOfToken tenant
                Validation.tenant tenant |> Result.map (fun () -> tenant, name)
            | _ -> Error { Field = "subject"; Message = $"'{subject}' does not name a tenant and a command ({head}<tenant>.<command>)." }
