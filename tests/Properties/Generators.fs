module Hybrid.Tests.Properties.Generators
