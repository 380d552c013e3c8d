#!/usr/bin/env bash
# Prints the metrics of one or more hybrid-bench JSON files that carry a target as a Markdown table (value, baseline,
# ratio, target, met), for the README's benchmark section. With several files a metric of a later file replaces the
# same metric of an earlier one, so a full run can be completed by a subset run (say which in the text).
#   scripts/bench-table.sh results.json [more.json ...]
set -euo pipefail
jq -r -s '
  def fmt: if . == null then "" elif type == "number" then
      (if . >= 1000 then (. | round | tostring | [scan("\\d")] | reverse | [range(0; length; 3) as $i | .[$i:$i+3] | reverse | join("")] | reverse | join(","))
       elif . >= 10 then (. * 10 | round / 10 | tostring) else (. * 1000 | round / 1000 | tostring) end)
    else tostring end;
  (map(.metrics[]) | reduce .[] as $m ({}; .[$m.name] = $m)) as $all
  | ["| metric | value | baseline | baseline value | ratio | target | met |", "|---|---|---|---|---|---|---|"]
    + [ $all[] | select(.target != null)
        | "| \(.name) | \(.value | fmt) \(.unit) | \(.baseline // "") | \(.baseline_value | fmt) | \(.ratio | fmt) | \(.target) | \(if .target_met then "yes" else "**no**" end) |" ]
  | .[]
' "$@"
