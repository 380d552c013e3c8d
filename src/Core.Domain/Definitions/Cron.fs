// Cron expressions as Cronos reads them: five fields (minute precision), six (with seconds first) or a macro
// such as "@daily". A malformed expression is refused with a sentence naming the field at fault.
namespace Hybrid

open System
open Cronos

/// Parsing cron expressions.
module Cron =

    let private withSeconds = [| "second"; "minute"; "hour"; "day-of-month"; "month"; "day-of-week" |]

    let private cache = Collections.Concurrent.ConcurrentDictionary<string, Result<CronExpression, string>>()

    let private fields (expression: string) = expression.Split([| ' '; '\t' |], StringSplitOptions.RemoveEmptyEntries)

    let private tryCronos (expression: string) (format: CronFormat) =
        match CronExpression.TryParse(expression, format) with
        | true, cron -> Some cron
        | _ -> None

    /// Which field of a field-wise valid-looking expression Cronos refuses: each field is tried alone, the others '*'.
    let private badField (parts: string[]) (format: CronFormat) =
        let names = if parts.Length = 6 then withSeconds else withSeconds.[1..]
        parts
        |> Array.mapi (fun i part -> i, part)
        |> Array.tryPick (fun (i, part) ->
            let probe = Array.init parts.Length (fun j -> if j = i then part else "*")
            match tryCronos (String.Join(" ", probe)) format with
            | Some _ -> None
            | None -> Some $"the {names.[i]} field '{part}' is not valid")

    let private parseUncached (expression: string) : Result<CronExpression, string> =
        if String.IsNullOrWhiteSpace expression then Error "The cron expression is empty."
        else
            let text = expression.Trim()
            let parts = fields text
            if text.StartsWith "@" then
                match tryCronos text CronFormat.Standard with
                | Some cron -> Ok cron
                | None -> Error $"'{text}' is not a cron macro Cronos knows (@yearly, @monthly, @weekly, @daily, @hourly, @every_minute, @every_second)."
            elif parts.Length <> 5 && parts.Length <> 6 then
                Error
                    $"'{text}' has {parts.Length} field(s); a cron expression has 5 (minute hour day-of-month month day-of-week) or 6 (second minute hour day-of-month month day-of-week)."
            else
                let format = if parts.Length = 6 then CronFormat.IncludeSeconds else CronFormat.Standard
                match tryCronos text format with
                | Some cron -> Ok cron
                | None ->
                    match badField parts format with
                    | Some field -> Error $"'{text}': {field}."
                    | None -> Error $"'{text}' is not a valid cron expression (its fields are valid alone, not together)."

    /// The expression, or a sentence naming what is wrong (the field at fault when one is).
    let tryParse (expression: string) = cache.GetOrAdd((if isNull expression then "" else expression), parseUncached)

    /// The expression; throws an ArgumentException naming the field at fault.
    let parse (expression: string) =
        match tryParse expression with
        | Ok cron -> cron
        | Error message -> invalidArg "expression" message
