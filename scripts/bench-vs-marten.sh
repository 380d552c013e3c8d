#!/usr/bin/env bash
# Runs hybrid-bench and the Marten peer benchmark (../shared/peers/marten-bench, see its README) one after the other
# on this machine, each with its own raw baselines, and prints Hybrid/Marten for the pairs of issue 20, and the ratio of
# their ratios to their own raw baselines (Hybrid: the plain table; Marten: its raw INSERT), which is steadier than
# Hybrid/Marten when the machine's load changes between the two runs.
#   scripts/bench-vs-marten.sh [--quick | --full] [OUT_DIR]
# Needs the peer's requirements (PostgreSQL 15 binaries, .NET 10). The peer's folder may be read-only: it is copied
# into OUT_DIR and built there. The two runs are sequential, so compare ratios of one invocation only.
set -euo pipefail
mode=--quick
if [[ ${1:-} == --quick || ${1:-} == --full ]]; then mode=$1; shift; fi
root=$(cd "$(dirname "$0")/.." && pwd)
peer=${MARTEN_BENCH_DIR:-$root/../shared/peers/marten-bench}
out=${1:-$(mktemp -d -t hybrid-vs-marten-XXXXXX)}
mkdir -p "$out"
quick=(); [[ $mode == --quick ]] && quick=(--quick)

if [[ ! -f $out/marten-bench/MartenBench.csproj ]]; then
    cp -r "$peer" "$out/marten-bench"
    chmod -R u+w "$out/marten-bench"
fi
echo "building the peer in $out/marten-bench" >&2
(cd "$out/marten-bench" && ./setup.sh >"$out/marten-setup.log" 2>&1) || { cat "$out/marten-setup.log" >&2; exit 1; }

echo "running hybrid-bench ($mode)" >&2
dotnet run -c Release --project "$root/bench" -- "${quick[@]}" --out "$out/hybrid.json" \
    --only pg.append.single.c1,pg.append.single.c8.tenant1,pg.append.single.c64,pg.append.batch100,pg.read.all >"$out/hybrid.txt"
echo "running marten-bench ($mode)" >&2
(cd "$out/marten-bench" && dotnet run -c Release --no-build -- "${quick[@]}" --out "$out/marten.json" \
    --only raw.insert1,raw.insert100,marten.append.single.c1,marten.append.single.c8,marten.append.single.c64,marten.append.batch100.c4,raw.read.all,marten.read.all) >"$out/marten.txt"

pairs='[
  ["pg.append.single.c1", "marten.append.single.c1"],
  ["pg.append.single.c8.tenant1", "marten.append.single.c8"],
  ["pg.append.single.c64", "marten.append.single.c64"],
  ["pg.append.batch100.c4.tenant1", "marten.append.batch100.c4"],
  ["pg.append.batch100.c4.tenants4", "marten.append.batch100.c4"],
  ["pg.read.all", "marten.read.all"]
]'
jq -r -n --slurpfile h "$out/hybrid.json" --slurpfile m "$out/marten.json" --argjson pairs "$pairs" '
  def find($doc; $name): ($doc.metrics[] | select(.name == $name)) // null;
  def num($x): if $x == null then "n/a" else ($x * 100 | round / 100 | tostring) end;
  (["hybrid", "ev/s", "ratio to its raw", "marten", "ev/s", "ratio to its raw", "hybrid/marten", "ratio/ratio"] | @tsv),
  ($pairs[] as [$hn, $mn]
   | find($h[0]; $hn) as $hy | find($m[0]; $mn) as $ma
   | [$hn, num($hy.value), num($hy.ratio), $mn, num($ma.value), num($ma.ratio),
      (if ($hy.value // 0) > 0 and ($ma.value // 0) > 0 then num($hy.value / $ma.value) else "n/a" end),
      (if ($hy.ratio // 0) > 0 and ($ma.ratio // 0) > 0 then num($hy.ratio / $ma.ratio) else "n/a" end)] | @tsv)
' | column -t -s $'\t' | tee "$out/pairs.txt"
echo "results in $out (hybrid.json, marten.json, pairs.txt)" >&2
