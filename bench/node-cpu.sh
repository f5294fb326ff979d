#!/usr/bin/env bash
# Measures what one client request costs the ChordKvs nodes in CPU: starts a fresh cluster of 1 or 3 nodes on
# loopback, writes the keys, warms up, then runs wrk on every node at once and reads the nodes' CPU time from
# /proc/PID/stat over the measured run. Prints one line: req/s, node CPU per request in microseconds, errors.
# CPU per request moves less with the machine's load than req/s does, so it is the figure to compare builds by;
# compare builds with bench/node-cpu-ab.sh, which runs them on fresh clusters in pairs of both orders.
#
# Usage: bench/node-cpu.sh [--nodes 1|3] [--op get|put] [--seconds S] [--warmup S] [--connections N] [--keys N]
#                          [--query '?r=1'] [--chordkvs PATH] [--base-port P] [--perf FILE]
#   --query    appended to every request path (?r=1 reads one replica, ?w=3 writes all three)
#   --perf     also records 4 s of `perf record -g` of the nodes into FILE (start the nodes' runtime with
#              DOTNET_PerfMapEnabled=1 in the environment for named .NET frames)
# Needs wrk and curl (bench/compare.sh installs them). Any other environment variable reaches the nodes.
set -euo pipefail

nodes=3
op=get
seconds=8
warmup=4
connections=64
keys=10000
query=""
chordkvs=""
base_port=18100
perf_file=""

die() { echo "node-cpu.sh: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --nodes) nodes="${2:?}"; shift 2 ;;
    --op) op="${2:?}"; shift 2 ;;
    --seconds) seconds="${2:?}"; shift 2 ;;
    --warmup) warmup="${2:?}"; shift 2 ;;
    --connections) connections="${2:?}"; shift 2 ;;
    --keys) keys="${2:?}"; shift 2 ;;
    --query) query="${2?}"; shift 2 ;;
    --chordkvs) chordkvs="${2:?}"; shift 2 ;;
    --base-port) base_port="${2:?}"; shift 2 ;;
    --perf) perf_file="${2:?}"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

[[ $nodes == 1 || $nodes == 3 ]] || die "--nodes is 1 or 3"
[[ $op == get || $op == put ]] || die "--op is get or put"
for number in "$seconds" "$warmup" "$connections" "$keys" "$base_port"; do
  [[ "$number" =~ ^[0-9]+$ ]] || die "'$number' is not a whole number"
done
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
chordkvs="${chordkvs:-$repo/ChordKvs.Host/bin/Release/net10.0/chordkvs}"
[[ -x "$chordkvs" ]] || die "no chordkvs at $chordkvs (dotnet build -c Release ChordKvs.Host, or pass --chordkvs)"
work="$(mktemp -d -t chordkvs-node-cpu.XXXXXX)"
pids=()

cleanup() {
  [[ ${#pids[@]} -gt 0 ]] && kill "${pids[@]}" 2>/dev/null
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

ports=()
for ((i = 0; i < nodes; i++)); do ports+=($((base_port + i))); done
"$chordkvs" node --listen "127.0.0.1:${ports[0]}" --replicas 3 --seed 1 > "$work/node-0.log" 2>&1 &
pids+=($!)
until curl -s -o /dev/null --max-time 2 "http://127.0.0.1:${ports[0]}/healthz"; do sleep 0.2; done
for ((i = 1; i < nodes; i++)); do
  "$chordkvs" node --listen "127.0.0.1:${ports[i]}" --join "http://127.0.0.1:${ports[0]}" --replicas 3 --seed "${ports[i]}" > "$work/node-$i.log" 2>&1 &
  pids+=($!)
done
deadline=$((SECONDS + 60))
for port in "${ports[@]}"; do
  until curl -s --max-time 2 "http://127.0.0.1:$port/cluster/nodes" | grep -q "\"count\":$nodes"; do
    (( SECONDS < deadline )) || die "the nodes did not form one ring within 60 s"
    sleep 0.3
  done
done

# The keys, 64-byte values, written through the first node.
value="$(head -c 56 /dev/zero | tr '\0' x)"
for ((i = 0; i < keys; i++)); do
  printf 'url = "http://127.0.0.1:%d/kv/key%d"\nrequest = "PUT"\ndata-binary = "{\\"v\\":\\"%s\\"}"\noutput = "/dev/null"\n' "${ports[0]}" "$i" "$value"
  (( i + 1 < keys )) && printf 'next\n'
done > "$work/preload.cfg"
curl -s --no-progress-meter -Z --parallel-max 32 -K "$work/preload.cfg" > /dev/null || die "preloading failed"

# wrk on every node at once, the connections split evenly; $1 = seconds.
load() {
  local wrk_pids=() index=0 share=$((connections / nodes)) threads=$(( nodes == 1 ? 2 : 1 ))
  for port in "${ports[@]}"; do
    BENCH_OP="$op" BENCH_PREFIX=/kv/ BENCH_QUERY="$query" BENCH_KEYS="$keys" BENCH_SEED="$((index + 1))" BENCH_VALUE_SIZE=64 BENCH_BODY=json \
      wrk -t"$threads" -c"$share" -d"$1s" --timeout 5s -s "$repo/bench/wrk/kv.lua" "http://127.0.0.1:$port" > "$work/wrk-$index.txt" 2>&1 &
    wrk_pids+=($!)
    index=$((index + 1))
  done
  for pid in "${wrk_pids[@]}"; do wait "$pid"; done
}

node_ticks() {
  local total=0 pid fields
  for pid in "${pids[@]}"; do
    read -r -a fields <<<"$(sed 's/.*) //' "/proc/$pid/stat")"
    total=$((total + fields[11] + fields[12]))   # utime and stime, in clock ticks
  done
  echo "$total"
}

(( warmup > 0 )) && load "$warmup"
before="$(node_ticks)"
perf_pid=""
if [[ -n $perf_file ]]; then
  ( sleep 2; perf record -F 999 -g -p "$(IFS=,; echo "${pids[*]}")" -o "$perf_file" -- sleep 4 > /dev/null 2>&1 ) &
  perf_pid=$!
fi
load "$seconds"
[[ -n $perf_pid ]] && wait "$perf_pid"
after="$(node_ticks)"

awk -v ticks=$((after - before)) -v hz="$(getconf CLK_TCK)" -v seconds="$seconds" -v nodes="$nodes" -v op="$op" -v query="$query" '
  /^Requests\/sec:/ { rps += $2 }
  /Non-2xx or 3xx responses:/ { errors += $NF }
  /Socket errors:/ { for (i = 3; i <= NF; i += 2) errors += $(i + 1) }
  END { printf "%d node(s), %s%s: %.0f req/s, %.1f us of node CPU per request, %d errors\n", nodes, op, query, rps, ticks / hz * 1e6 / (rps * seconds), errors }' "$work"/wrk-*.txt
