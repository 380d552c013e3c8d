namespace Hybrid.Shell.Producers;

/// <summary>A producer's event was not published: its mapping failed, or the broker refused it or could not be reached.</summary>
public sealed class IntegrationPublishException(string message) : Exception(message);
