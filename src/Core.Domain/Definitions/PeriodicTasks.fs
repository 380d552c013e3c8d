// Periodic tasks: a schedule, the tenants it runs for, a missed-fire policy and a pure OnTick. The shell's
// scheduler (Shell.CSharp/Scheduling) fires each due instant once per tenant across all nodes.
namespace Hybrid

open System

/// When a task is due.
type Schedule =
    /// A cron expression in a time zone: five fields ("min hour day month weekday"), six with seconds first
    /// ("sec min hour day month weekday"), or a Cronos macro such as "@daily". Daylight
    /// saving follows Cronos: a local time skipped by a spring-forward gap fires once at the end of the gap; a
    /// local time repeated by a fall-back fires once (the first), except for schedules that fire every second,
    /// minute or hour, which fire in both offsets.
    | Cron of expression: string * zone: TimeZoneInfo
    /// Every interval, at whole multiples of it since the Unix epoch (UTC), so every node agrees on the instants.
    | Every of interval: TimeSpan

    /// A cron schedule (five or six fields) in a time zone given by its IANA or Windows id. An id the system does not
    /// know (or whose data is damaged) is an ArgumentException naming it.
    static member CronIn(expression: string, zoneId: string) =
        if String.IsNullOrWhiteSpace zoneId then
            invalidArg (nameof zoneId) $"The time zone id of the cron schedule '{expression}' is empty: give an IANA or Windows id such as 'Europe/Paris'."
        let zone =
            try
                TimeZoneInfo.FindSystemTimeZoneById zoneId
            with
            | :? TimeZoneNotFoundException
            | :? InvalidTimeZoneException as e ->
                raise (ArgumentException($"The time zone '{zoneId}' of the cron schedule '{expression}' is not known on this system: give an IANA or Windows id such as 'Europe/Paris'.", nameof zoneId, e))
        Cron(expression, zone)

/// Which tenants a task runs for.
type TenantSelection =
    /// Every tenant of the tenant catalogue, events or not, and every tenant that has events.
    | AllTenants
    /// Only these tenants.
    | OnlyTenants of TenantId list

/// What happens to instants that fell due while no scheduler ran (node down, long pause, clock jump forward).
type MissedFires =
    /// Skip them: of the instants due since the last fire, only the latest fires, and only when it is at most the
    /// task's LateTolerance old; otherwise nothing fires until the next instant.
    | SkipMissed
    /// Fire the latest MaxFires due instants, oldest first; older ones are skipped.
    | CatchUp of maxFires: int

/// One firing of a task for a tenant.
type Tick =
    { Task: string
      Tenant: TenantId
      /// The scheduled instant (UTC), not the moment the scheduler noticed it.
      DueAt: DateTimeOffset }

/// A periodic task.
type PeriodicTask =
    { Name: string
      Schedule: Schedule
      Tenants: TenantSelection
      MissedFires: MissedFires
      /// How late an instant may be noticed and still count as on time under SkipMissed.
      LateTolerance: TimeSpan
      /// The events to append for a tick, besides the trigger event. Pure.
      OnTick: Tick -> EventData list
      /// A compare-and-set condition of the task's own, checked with the tick's append besides "not fired yet"
      /// (e.g. a predicate over earlier events: fire only if no invoice of the period exists). A tick whose
      /// condition fails is declined: nothing is written for it. Pure.
      Condition: Tick -> AppendCondition }

    /// A task for every tenant that skips missed instants (tolerating 1 minute of lateness).
    static member Create(name: string, schedule: Schedule, onTick: Func<Tick, EventData[]>) =
        { Name = name
          Schedule = schedule
          Tenants = AllTenants
          MissedFires = SkipMissed
          LateTolerance = TimeSpan.FromMinutes 1.0
          OnTick = fun t -> List.ofArray (onTick.Invoke t)
          Condition = fun _ -> NoCondition }

    /// The same task for only these tenants.
    member t.ForTenants([<ParamArray>] tenants: TenantId[]) = { t with Tenants = OnlyTenants(List.ofArray tenants) }

    /// The same task with another missed-fire policy.
    member t.WithMissedFires(policy: MissedFires) = { t with MissedFires = policy }

    /// The same task with a compare-and-set condition of its own for each tick's append.
    member t.When(condition: Func<Tick, AppendCondition>) = { t with Condition = fun tick -> condition.Invoke tick }
