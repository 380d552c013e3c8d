// Due-instant computation for periodic tasks: which instants fall due between two moments, and which of them
// fire under the task's missed-fire policy. Pure: the scheduler passes "now" in.
namespace Hybrid

open System
open Cronos

/// The instants of one scheduling round.
type FirePlan =
    { /// The instants to fire, oldest first.
      Fire: DateTimeOffset list
      /// How many due instants were skipped by the missed-fire policy.
      Skipped: int
      /// The latest due instant considered (fired or skipped), or None when nothing was due.
      Latest: DateTimeOffset option }

/// Pure schedule arithmetic.
module Schedules =

    let private parse (expression: string) = Cron.parse expression

    /// Problems with a task definition, empty when it can run.
    let problems (task: PeriodicTask) =
        [ if String.IsNullOrWhiteSpace task.Name then "The periodic task name is empty."
          elif task.Name.Length > 100 || not (task.Name |> String.forall (fun c -> Char.IsAsciiLetterOrDigit c || c = '-' || c = '_' || c = '.')) then
              $"The periodic task name '{task.Name}' must be 1 to 100 letters, digits, '-', '_' or '.'."
          match task.Schedule with
          | Cron(expression, zone) ->
              if isNull zone then $"Task '{task.Name}': the cron schedule has no time zone."
              match Cron.tryParse expression with
              | Ok _ -> ()
              | Error message -> $"Task '{task.Name}': {message}"
          | Every interval when interval < TimeSpan.FromSeconds 1.0 || interval.Ticks % TimeSpan.TicksPerSecond <> 0L ->
              $"Task '{task.Name}': the interval {interval} must be a whole number of seconds, at least 1."
          | Every _ -> ()
          match task.MissedFires with
          | CatchUp n when n < 1 -> $"Task '{task.Name}': CatchUp needs MaxFires of 1 or more, not {n}."
          | _ -> ()
          if task.LateTolerance < TimeSpan.Zero then $"Task '{task.Name}': LateTolerance must not be negative."
          match task.Tenants with
          | OnlyTenants ts ->
              for t in ts do
                  match Validation.tenant t with
                  | Error e -> $"Task '{task.Name}': {e.Message}"
                  | Ok() -> ()
          | AllTenants -> () ]

    /// The first instant strictly after the given one.
    let next (schedule: Schedule) (after: DateTimeOffset) : DateTimeOffset option =
        match schedule with
        | Cron(expression, zone) -> Option.ofNullable ((parse expression).GetNextOccurrence(after, zone, false))
        | Every interval ->
            let ticks = after.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks
            let k = Math.Floor(float ticks / float interval.Ticks) |> int64
            let mutable candidate = DateTimeOffset.UnixEpoch.AddTicks(k * interval.Ticks)
            while candidate <= after do
                candidate <- candidate + interval
            Some candidate

    /// Up to `count` of the latest instants in (after, upTo], newest first, and whether more were due before them.
    let latestDue (schedule: Schedule) (after: DateTimeOffset) (upTo: DateTimeOffset) (count: int) =
        if upTo <= after then [], 0
        else
            match schedule with
            | Cron(expression, zone) ->
                let cron = parse expression
                // Descending search bounds the work after a long outage, but Cronos resolves a DST gap differently
                // going backwards; so it only finds where to start, and the instants come from the forward search.
                let newest = cron.GetOccurrencesDescending(upTo, after, zone, true, false) |> Seq.truncate (count + 1) |> List.ofSeq
                let more = newest.Length > count
                let scanFrom = if more then max after (List.last newest - TimeSpan.FromHours 3.0) else after
                let forward = cron.GetOccurrences(scanFrom, upTo, zone, false, true) |> Seq.filter (fun d -> d > after) |> List.ofSeq
                let due = forward |> List.rev |> List.truncate count
                // Counting every skipped instant of a long outage could be huge: report at least one when there were more.
                due, (if more || forward.Length > count then max 1 (forward.Length - count) else 0)
            | Every interval ->
                let epoch = DateTimeOffset.UnixEpoch.UtcTicks
                let lastK = (upTo.UtcTicks - epoch) / interval.Ticks
                let firstK = (after.UtcTicks - epoch) / interval.Ticks + 1L
                let total = max 0L (lastK - firstK + 1L)
                let taken = min total (int64 count)
                [ for k in lastK .. -1L .. lastK - taken + 1L -> DateTimeOffset(epoch + k * interval.Ticks, TimeSpan.Zero) ], int (min (total - taken) (int64 Int32.MaxValue))

    /// Which instants fire when the task last fired at (or was started at) `last` and it is now `now`.
    /// A clock that went back (now before last) fires nothing until it passes `last` again.
    let plan (task: PeriodicTask) (last: DateTimeOffset) (now: DateTimeOffset) : FirePlan =
        match task.MissedFires with
        | SkipMissed ->
            match latestDue task.Schedule last now 1 with
            | [ latest ], earlier when now - latest <= task.LateTolerance -> { Fire = [ latest ]; Skipped = earlier; Latest = Some latest }
            | [ latest ], earlier -> { Fire = []; Skipped = earlier + 1; Latest = Some latest }
            | _ -> { Fire = []; Skipped = 0; Latest = None }
        | CatchUp maxFires ->
            let due, earlier = latestDue task.Schedule last now maxFires
            { Fire = List.rev due; Skipped = earlier; Latest = List.tryHead due }

    /// How many instants a round may fire under the task's policy: 1 for SkipMissed, MaxFires for CatchUp.
    let private kept (task: PeriodicTask) =
        match task.MissedFires with
        | SkipMissed -> 1
        | CatchUp maxFires -> max 1 maxFires

    /// The plan of a round that also owes `owed`: instants a round tried on time whose trigger append then failed in
    /// the store (a database outage). They fire with the plan's, however late it is now (they were noticed on time,
    /// so LateTolerance does not drop them); of all, only the latest the policy keeps fire (1 for SkipMissed, MaxFires
    /// for CatchUp), oldest first, and the others count as skipped.
    let planOwing (task: PeriodicTask) (owed: DateTimeOffset list) (last: DateTimeOffset) (now: DateTimeOffset) : FirePlan =
        let fresh = plan task last now
        let all = owed @ fresh.Fire |> List.distinct |> List.sort
        let dropped = max 0 (all.Length - kept task)
        { fresh with Fire = List.skip dropped all; Skipped = fresh.Skipped + dropped }
