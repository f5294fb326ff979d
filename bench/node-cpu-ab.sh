#!/usr/bin/env bash
# Compares two builds or settings of chordkvs by node CPU per request (bench/node-cpu.sh), in pairs run in both
# orders (A B, B A, A B, ...): on the machine of docs/performance.md the same build's CPU per request drifted by up to
# 14 % within minutes (section 12), as much as the changes measured, and alternating the order cancels a steady drift.
# Prints every run, then over the pairs the geometric means of B's CPU per request over A's (below 1: B costs less)
# and of the later run's over the earlier one's (the drift the order cancelled).
#
# Usage: bench/node-cpu-ab.sh [--a PATH] [--b PATH] [--a-env NAME=VALUE]... [--b-env NAME=VALUE]... [--pairs N]
#                             [node-cpu.sh options: --nodes, --op, --seconds, --query, ...]
#   --a, --b        the chordkvs to run as A and as B (default: the built one for both)
#   --a-env/--b-env environment of A's or B's nodes only, e.g. --b-env DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70
#   --pairs         how many pairs (default 4)
set -euo pipefail

die() { echo "node-cpu-ab.sh: $*" >&2; exit 1; }

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
built="$repo/ChordKvs.Host/bin/Release/net10.0/chordkvs"
a="$built"
b="$built"
a_env=()
b_env=()
pairs=4
passed=()

while [[ $# -gt 0 ]]; do
  case "$1" in
    --a) a="${2:?}"; shift 2 ;;
    --b) b="${2:?}"; shift 2 ;;
    --a-env) a_env+=("${2:?}"); shift 2 ;;
    --b-env) b_env+=("${2:?}"); shift 2 ;;
    --pairs) pairs="${2:?}"; shift 2 ;;
    --chordkvs) die "--chordkvs is set per side here: use --a and --b" ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) passed+=("$1"); shift ;;
  esac
done
[[ "$pairs" =~ ^[1-9][0-9]*$ ]] || die "--pairs is a positive whole number"

# One run of side A or B: prints its node CPU per request in microseconds.
run() {
  local side="$1" chordkvs environment=() line
  if [[ $side == A ]]; then chordkvs="$a"; environment=("${a_env[@]}"); else chordkvs="$b"; environment=("${b_env[@]}"); fi
  line="$(env "${environment[@]}" "$repo/bench/node-cpu.sh" --chordkvs "$chordkvs" "${passed[@]}")" || die "node-cpu.sh failed"
  echo "  $side: $line" >&2
  sed -n 's/.* \([0-9.]*\) us of node CPU per request.*/\1/p' <<<"$line"
}

results=""
for ((pair = 1; pair <= pairs; pair++)); do
  if (( pair % 2 )); then first=A; second=B; else first=B; second=A; fi
  x="$(run $first)"
  y="$(run $second)"
  if [[ $first == A ]]; then results+="$x $y 1"$'\n'; else results+="$y $x 2"$'\n'; fi
done

# Each line: A's µs, B's µs, which ran first (1 = A). The later run is B in odd pairs and A in even ones.
awk '
  NF == 3 { n++; ab += log($2 / $1); later += ($3 == 1) ? log($2 / $1) : log($1 / $2) }
  END {
    printf "B / A, node CPU per request (geometric mean of %d pairs): %.3f\n", n, exp(ab / n)
    printf "later / earlier run of a pair (the drift the order cancels): %.3f\n", exp(later / n)
  }' <<<"$results"
