// Replaced by the benchmark runner.
Console.WriteLine("no benchmarks yet");
