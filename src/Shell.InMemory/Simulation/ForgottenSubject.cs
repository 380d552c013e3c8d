namespace Hybrid.InMemory.Simulation;

/// <summary>A subject a simulation forgot: where its audit event is, and the personal values it held then (in clear).</summary>
/// <param name="Subject">The subject.</param>
/// <param name="AuditPosition">The position of its SubjectForgotten event.</param>
/// <param name="Values">Its personal values before it was forgotten, as text.</param>
public sealed record ForgottenSubject(string Subject, long AuditPosition, IReadOnlyList<string> Values);
