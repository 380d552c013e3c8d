#!/usr/bin/env bash
# Packs every Hybrid package into a local folder feed, creates a fresh F# application outside the repository that
# references them from that feed only (third-party packages come from the sources already configured), and runs it
# on the in-memory store and, when HYBRID_SMOKE_POSTGRES names a database that may be migrated, on PostgreSQL.
# The application uses the LMDB read-model cache: the native library must load from the Hybrid.Shell.Lmdb package.
# Expects `dotnet build Hybrid.sln -c Release` (or the configuration in HYBRID_SMOKE_CONFIGURATION) to have run: it
# packs with --no-build. Exits non-zero on any failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/hybrid-package-smoke.XXXXXX")"
version="0.1.0-smoke.$(date +%s).$$"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
cleanup() {
  rm -rf "$work"
  # The smoke version is unique per run: drop it from the global packages folder.
  for id in hybrid.core.domain hybrid.shell hybrid.shell.inmemory hybrid.shell.postgres hybrid.shell.lmdb \
            hybrid.shell.aspnetcore hybrid.shell.opentelemetry hybrid.testing.postgres; do
    rm -rf "$packages/$id/$version"
  done
}
trap cleanup EXIT

echo "package-smoke: packing $version into $work/feed"
dotnet pack "$repo/Hybrid.sln" -c "${HYBRID_SMOKE_CONFIGURATION:-Release}" --no-build -p:Version="$version" -o "$work/feed" -v quiet -nologo >"$work/pack.log" \
  || { cat "$work/pack.log"; exit 1; }
for id in Hybrid.Core.Domain Hybrid.Shell Hybrid.Shell.InMemory Hybrid.Shell.Postgres Hybrid.Shell.Lmdb Hybrid.Shell.AspNetCore \
          Hybrid.Shell.OpenTelemetry Hybrid.Testing.Postgres; do
  for kind in nupkg snupkg; do
    [ -f "$work/feed/$id.$version.$kind" ] || { echo "package-smoke: $id.$version.$kind was not packed"; exit 1; }
  done
done
lmdb_entries="$(unzip -l "$work/feed/Hybrid.Shell.Lmdb.$version.nupkg")"
grep -q "runtimes/linux-x64/native/lmdb.so" <<<"$lmdb_entries" \
  || { echo "package-smoke: Hybrid.Shell.Lmdb has no runtimes/linux-x64/native/lmdb.so"; exit 1; }

mkdir -p "$work/app"
cp "$repo/scripts/package-smoke/Program.fs" "$work/app/"
# The local feed comes first; the configured sources stay for third-party packages. Hybrid's packages exist in the
# local feed only at this run's unique version, so they can come from nowhere else.
cat >"$work/app/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="hybrid-local-feed" value="$work/feed" />
  </packageSources>
</configuration>
XML
cat >"$work/app/Smoke.fsproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <TreatWarningsAsErrors>true</TreatWarningsAsErrors>
    <SatelliteResourceLanguages>en</SatelliteResourceLanguages>
  </PropertyGroup>
  <ItemGroup>
    <Compile Include="Program.fs" />
  </ItemGroup>
  <ItemGroup>
    <PackageReference Include="Hybrid.Shell" Version="[$version]" />
    <PackageReference Include="Hybrid.Shell.InMemory" Version="[$version]" />
    <PackageReference Include="Hybrid.Shell.Postgres" Version="[$version]" />
    <PackageReference Include="Hybrid.Shell.Lmdb" Version="[$version]" />
    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.0" />
  </ItemGroup>
</Project>
XML
# An empty Directory.Build.props/Directory.Packages.props above the app keeps any outside one from applying.
echo "<Project />" >"$work/Directory.Build.props"
echo "<Project />" >"$work/Directory.Build.targets"
echo "<Project />" >"$work/Directory.Packages.props"

echo "package-smoke: building a fresh application from the feed"
dotnet build "$work/app/Smoke.fsproj" -c Release -o "$work/app/out" -nologo -v quiet >"$work/build.log" \
  || { cat "$work/build.log"; exit 1; }
for id in hybrid.core.domain hybrid.shell hybrid.shell.inmemory hybrid.shell.postgres hybrid.shell.lmdb; do
  grep -q "\"source\": \"$work/feed\"" "$packages/$id/$version/.nupkg.metadata" \
    || { echo "package-smoke: $id did not come from the local feed"; cat "$packages/$id/$version/.nupkg.metadata"; exit 1; }
done
[ -f "$work/app/out/runtimes/linux-x64/native/lmdb.so" ] || { echo "package-smoke: lmdb.so is not in the application's output"; exit 1; }

echo "package-smoke: in-memory"
dotnet "$work/app/out/Smoke.dll" inmemory
if [ -n "${HYBRID_SMOKE_POSTGRES:-}" ]; then
  echo "package-smoke: PostgreSQL"
  dotnet "$work/app/out/Smoke.dll" postgres
else
  echo "package-smoke: HYBRID_SMOKE_POSTGRES is not set: the PostgreSQL run is left out"
fi
echo "package-smoke: ok"
