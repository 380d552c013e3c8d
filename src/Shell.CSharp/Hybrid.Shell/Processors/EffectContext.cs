namespace Hybrid.Shell.Processors;

/// <summary>An effect to perform: the intent, the event that caused it, and where it came from.</summary>
/// <param name="Tenant">The tenant of the source event.</param>
/// <param name="Processor">The processor whose handler returned the intent.</param>
/// <param name="Source">The event the handler was called with.</param>
/// <param name="Intent">What to do.</param>
/// <param name="Attempt">1 for the first attempt, 2 for the first retry, and so on.</param>
public sealed record EffectContext(string Tenant, string Processor, RecordedEvent Source, EffectIntent Intent, int Attempt);
