// Cron expressions: five fields read as six with a zero second, macros accepted, and a malformed field named.
module Hybrid.Tests.Properties.Processors.CronProperties

open System
open FsCheck
open FsCheck.FSharp
open FsCheck.Xunit
open Hybrid

let private names = [| "second"; "minute"; "hour"; "day-of-month"; "month"; "day-of-week" |]

/// Valid simple fields (second, minute, hour, day of month, month, day of week).
let private genFields =
    gen {
        let! s = Gen.choose (0, 59)
        let! m = Gen.choose (0, 59)
        let! h = Gen.choose (0, 23)
        let! dom = Gen.elements [ "*"; "1"; "15"; "L" ]
        let! month = Gen.elements [ "*"; "1"; "6"; "*/3" ]
        let! dow = Gen.elements [ "*"; "MON-FRI"; "0" ]
        let dom = if dow <> "*" && dom <> "*" then "*" else dom
        return [| string s; string m; string h; dom; month; dow |]
    }

let private instant = Gen.choose (0, 3_000_000) |> Gen.map (fun minutes -> DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(float minutes))

[<Property>]
let ``a five field expression fires where the six field one with second zero fires`` () =
    Prop.forAll (Arb.fromGen (Gen.zip genFields instant)) (fun (fields, from) ->
        let five = String.Join(" ", fields.[1..])
        let six = "0 " + five
        let next expression = Schedules.next (Schedule.Cron(expression, TimeZoneInfo.Utc)) from
        next five = next six)

[<Property>]
let ``a malformed field is refused with its name`` () =
    let scenario =
        gen {
            let! fields = genFields
            let! withSeconds = Gen.elements [ true; false ]
            let fields = if withSeconds then fields else fields.[1..]
            let! bad = Gen.choose (0, fields.Length - 1)
            let! junk = Gen.elements [ "77x"; "99"; "a-b"; "*/0" ]
            return withSeconds, bad, Array.updateAt bad junk fields
        }
    Prop.forAll (Arb.fromGen scenario) (fun (withSeconds, bad, fields) ->
        let named = (if withSeconds then names else names.[1..]).[bad]
        match Cron.tryParse (String.Join(" ", fields)) with
        | Error message -> message.Contains $"the {named} field"
        | Ok _ -> false)

[<Property>]
let ``a wrong number of fields is refused saying how many there are`` () =
    Prop.forAll (Arb.fromGen (Gen.elements [ 1; 2; 3; 4; 7; 8 ])) (fun count ->
        match Cron.tryParse (String.Join(" ", Array.create count "*")) with
        | Error message -> message.Contains $"has {count} field(s)"
        | Ok _ -> false)

[<Property>]
let ``cronos macros are read`` () =
    [ "@yearly"; "@monthly"; "@weekly"; "@daily"; "@hourly"; "@every_minute"; "@every_second" ]
    |> List.forall (fun m -> Cron.tryParse m |> Result.isOk)
    && (match Cron.tryParse "@fortnightly" with
        | Error message -> message.Contains "macro"
        | Ok _ -> false)

[<Xunit.Fact>]
let ``a cron schedule in a time zone the system does not know is an argument error naming the zone`` () =
    let error = Xunit.Assert.Throws<ArgumentException>(fun () -> Schedule.CronIn("0 9 * * *", "Mars/Olympus_Mons") |> ignore)
    Xunit.Assert.Equal("zoneId", error.ParamName)
    Xunit.Assert.Contains("'Mars/Olympus_Mons'", error.Message)
    Xunit.Assert.Throws<ArgumentException>(fun () -> Schedule.CronIn("0 9 * * *", " ") |> ignore) |> ignore

[<Xunit.Fact>]
let ``a cron schedule in a known time zone keeps the zone`` () =
    match Schedule.CronIn("0 9 * * *", "Europe/Paris") with
    | Cron(_, zone) -> Xunit.Assert.Equal(TimeZoneInfo.FindSystemTimeZoneById "Europe/Paris", zone)
    | other -> failwith $"Expected a cron schedule, got {other}"

[<Xunit.Fact>]
let ``a periodic task that cannot run is refused when it is added to a registry naming the task and the fault`` () =
    let task schedule = PeriodicTask.Create("nightly", schedule, fun _ -> [||])
    let refused schedule = Xunit.Assert.Throws<ArgumentException>(fun () -> Runtime.addPeriodicTask (task schedule) Registry.empty |> ignore)
    let badHour = refused (Schedule.Cron("0 25 * * *", TimeZoneInfo.Utc))
    Xunit.Assert.Contains("Task 'nightly'", badHour.Message)
    Xunit.Assert.Contains("the hour field '25'", badHour.Message)
    Xunit.Assert.Contains("no time zone", (refused (Schedule.Cron("0 2 * * *", null))).Message)
    Xunit.Assert.Contains("whole number of seconds", (refused (Schedule.Every(TimeSpan.FromMilliseconds 500.0))).Message)
    Runtime.addPeriodicTask (task (Schedule.Cron("0 2 * * *", TimeZoneInfo.Utc))) Registry.empty |> Runtime.periodicTasks |> Seq.length |> fun n -> Xunit.Assert.Equal(1, n)
