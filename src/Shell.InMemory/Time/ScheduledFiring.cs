namespace Hybrid.InMemory.Time;

/// <summary>
/// One scheduled firing of a <see cref="VirtualTimer"/>: due at <paramref name="DueTicks"/> (UTC ticks of virtual
/// time), <paramref name="Sequence"/> ordering firings due at the same instant by when they were scheduled, and the
/// timer's period in ticks (zero for a one-shot timer).
/// </summary>
internal sealed record ScheduledFiring(VirtualTimer Timer, long DueTicks, long Sequence, long PeriodTicks);
