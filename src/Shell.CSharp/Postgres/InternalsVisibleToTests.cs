using System.Runtime.CompilerServices;

// The plan-check test runs the store's own condition SQL through EXPLAIN.
[assembly: InternalsVisibleTo("Hybrid.Tests.Integration")]
