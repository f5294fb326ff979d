#!/usr/bin/env bash
# Measures ChordKvs against its peers on this machine, in one run, with wrk on loopback:
#   bare 1   the baseline program bench/BareKv (Kestrel minimal API over a ConcurrentDictionary), 1 process
#   bare 3   the same program as 3 independent processes
#   chord 1  ChordKvs, 1 node
#   chord 3  ChordKvs, 3 nodes (3 replicas, default quorums)
#   etcd 3   etcd's v2 keys API (--enable-v2), 3 members; its GET also once more with ?quorum=true, a read through
#            the Raft log: etcd's default GET is one member's local copy, while ChordKvs's default (R = 2) reads a quorum
# Each system gets its keys written first, then for GET and for PUT a warm-up and a measured run with the
# connections split evenly over its members (one wrk per member). Prints one table of req/s and the ratios
# against the project's targets. Every process it starts is stopped on exit, Ctrl-C included. With --rounds N the
# whole sequence runs N times; the table then shows each figure's median and range, and each ratio's median (taken
# over the rounds' own ratios) decides whether its target is met.
#
# Usage: bench/compare.sh [--duration S] [--warmup S] [--connections N] [--keys N] [--value-size N] [--rounds N]
#                         [--systems bare3,bare1,chord1,chord3,etcd3]  (measured in the order given) [--base-port P] [--no-install]
#                         [--chordkvs PATH]   (another build of chordkvs, to compare before and after a change)
#                         [--node-env NAME=VALUE]...  (environment of the ChordKvs nodes only, e.g. DOTNET_gcServer=1)
# See docs/performance.md.
set -euo pipefail

duration=10
warmup=2
connections=64
keys=10000
value_size=64
rounds=1
# bare3 first: on the 2-core machine of docs/performance.md, a single process and its wrk served up to twice as many
# requests after the 3-process run as before it (bare 1 and ChordKvs 1 node alike, cause unknown), so both 1-process
# systems are measured after it, under the same conditions.
systems="bare3,bare1,chord1,chord3,etcd3"
base_port=17400
install=yes
chordkvs=""
node_env=()

die() { echo "compare.sh: $*" >&2; exit 1; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="${2:?--duration needs seconds}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs seconds}"; shift 2 ;;
    --connections) connections="${2:?--connections needs a number}"; shift 2 ;;
    --keys) keys="${2:?--keys needs a number}"; shift 2 ;;
    --value-size) value_size="${2:?--value-size needs a number}"; shift 2 ;;
    --systems) systems="${2:?--systems needs a list}"; shift 2 ;;
    --base-port) base_port="${2:?--base-port needs a number}"; shift 2 ;;
    --no-install) install=no; shift ;;
    --chordkvs) chordkvs="${2:?--chordkvs needs the path of a built chordkvs}"; shift 2 ;;
    --node-env) node_env+=("${2:?--node-env needs NAME=VALUE}"); shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

for number in "$duration" "$warmup" "$connections" "$keys" "$value_size" "$base_port" "$rounds"; do
  [[ "$number" =~ ^[0-9]+$ ]] || die "'$number' is not a whole number"
done
(( duration >= 1 && connections >= 3 && keys >= 1 && value_size >= 8 && rounds >= 1 )) \
  || die "need --duration >= 1, --connections >= 3, --keys >= 1, --value-size >= 8 and --rounds >= 1"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d -t chordkvs-compare.XXXXXX)"
pids=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  stop_all
  if [[ $status -ne 0 ]]; then
    echo "compare.sh: failed; logs kept in $work" >&2
  else
    rm -rf "$work"
  fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts a background process whose output goes to $work/NAME.log and remembers it for stop_all.
start() {
  local name="$1"; shift
  "$@" > "$work/$name.log" 2>&1 &
  pids+=($!)
}

stop_all() {
  [[ ${#pids[@]} -eq 0 ]] && return 0
  kill -TERM "${pids[@]}" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  pids=()
}

# Waits until URL answers with one of the given statuses (default 200), or fails after 60 s.
wait_for() {
  local url="$1" expected="${2:-200}" deadline=$((SECONDS + 60)) code
  while (( SECONDS < deadline )); do
    code="$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" || true)"
    [[ ",$expected," == *",$code,"* ]] && return 0
    sleep 0.3
  done
  die "$url did not answer $expected within 60 s (last: ${code:-none}); see the logs in $work"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints N ports that nothing listens on, the first at or above $2 (other programs on a shared machine may hold some).
free_ports() {
  local count="$1" port="$2" found=()
  while (( ${#found[@]} < count )); do
    (( port < 65000 )) || die "no $count free ports found from --base-port $base_port"
    port_free "$port" && found+=("$port")
    port=$((port + 1))
  done
  echo "${found[@]}"
}

# ---------------------------------------------------------------------------------------------- setup
if [[ $install == yes ]]; then
  missing=()
  command -v wrk >/dev/null || missing+=(wrk)
  [[ ",$systems," == *",etcd3,"* ]] && { command -v etcd >/dev/null || missing+=(etcd-server); command -v etcdctl >/dev/null || missing+=(etcd-client); }
  command -v curl >/dev/null || missing+=(curl)
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "installing ${missing[*]} ..." >&2
    [[ $(id -u) -eq 0 ]] || die "need root to apt-get install ${missing[*]} (or install them and pass --no-install)"
    timeout 600 apt-get update -qq >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -qq "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
  fi
fi
command -v wrk >/dev/null || die "wrk is not installed (apt-get install wrk)"
command -v curl >/dev/null || die "curl is not installed"

echo "building Release ..." >&2
( cd "$repo" && timeout 900 dotnet build -c Release -v quiet -nologo ChordKvs.Host/ChordKvs.Host.csproj >"$work/build.log" 2>&1 \
  && timeout 900 dotnet build -c Release -v quiet -nologo bench/BareKv/BareKv.csproj >>"$work/build.log" 2>&1 ) \
  || die "the Release build failed; see $work/build.log"
chordkvs="${chordkvs:-$repo/ChordKvs.Host/bin/Release/net10.0/chordkvs}"
barekv="$repo/bench/BareKv/bin/Release/net10.0/BareKv"
[[ -x "$chordkvs" && -x "$barekv" ]] || die "built executables not found at $chordkvs and $barekv"

# ------------------------------------------------------------------------------------------ measuring
# Writes every key once through the first member, 32 requests in flight. $1 = base URL, $2 = json|etcd.
preload() {
  local base="$1" body="$2" config="$work/preload.cfg" value i
  value="$(head -c $((value_size - 8)) /dev/zero | tr '\0' x)"
  {
    for ((i = 0; i < keys; i++)); do
      if [[ $body == etcd ]]; then
        printf 'url = "%s/v2/keys/key%d"\nrequest = "PUT"\ndata = "value=%s"\n' "$base" "$i" "$value"
      else
        printf 'url = "%s/kv/key%d"\nrequest = "PUT"\nheader = "Content-Type: application/json"\ndata-binary = "{\\"v\\":\\"%s\\"}"\n' "$base" "$i" "$value"
      fi
      printf 'output = "/dev/null"\nwrite-out = "%%{http_code}\\n"\nmax-time = 10\n'
      (( i + 1 < keys )) && printf 'next\n'
    done
  } > "$config"
  # A busy machine can time a few writes out; writing every key again is harmless, so try up to three times.
  local codes good attempt
  for attempt in 1 2 3; do
    codes="$(timeout 300 curl -s --no-progress-meter -Z --parallel-max 32 -K "$config" || true)"
    good="$(grep -cE '^20[0-4]$' <<<"$codes" || true)"
    (( good == keys )) && return 0
    echo "  preloading $base: attempt $attempt wrote $good of $keys keys; again" >&2
  done
  # A few keys short still measures; the GETs that find them missing are counted as errors in the table.
  (( good * 100 >= keys * 99 )) || die "preloading $base wrote only $good of $keys keys after 3 attempts"
  echo "  preloading $base: $((keys - good)) of $keys keys may be missing; their GETs count as errors" >&2
}

# Runs wrk on every member at once with the connections split evenly; prints the summed req/s and errors.
# $1 = get|put, $2 = seconds, $3 = path prefix, $4 = body mode, rest = member base URLs; $query is appended to each path.
query=""
load() {
  local op="$1" seconds="$2" prefix="$3" body="$4"; shift 4
  local members=$# index=0 share extra threads out wrk_pids=()
  share=$((connections / members)); extra=$((connections % members))
  threads=$(( members == 1 ? 2 : 1 ))
  for base in "$@"; do
    local c=$((share + (index < extra ? 1 : 0)))
    out="$work/wrk-$op-$index.txt"
    BENCH_OP="$op" BENCH_PREFIX="$prefix" BENCH_KEYS="$keys" BENCH_SEED="$((index + 1))" BENCH_VALUE_SIZE="$value_size" BENCH_BODY="$body" BENCH_QUERY="$query" \
      timeout $((seconds + 30)) wrk -t"$threads" -c"$c" -d"${seconds}s" --timeout 5s -s "$repo/bench/wrk/kv.lua" "$base" > "$out" 2>&1 &
    wrk_pids+=($!)
    index=$((index + 1))
  done
  for pid in "${wrk_pids[@]}"; do wait "$pid" || die "wrk failed; see $work/wrk-$op-*.txt"; done
  awk '/^Requests\/sec:/ { rps += $2 }
       /Non-2xx or 3xx responses:/ { errors += $NF }
       /Socket errors:/ { for (i = 3; i <= NF; i += 2) errors += $(i + 1) }
       END { printf "%.0f %d\n", rps, errors }' "$work"/wrk-"$op"-*.txt
}

# Measures GET and PUT of one running system: "system get put errors" goes into $work/results.
measure() {
  local name="$1" prefix="$2" body="$3"; shift 3
  echo "  $name: preloading $keys keys ..." >&2
  preload "$1" "$body"
  if [[ $name == bare3 ]]; then preload "$2" "$body"; preload "$3" "$body"; fi
  local get put
  [[ $warmup -gt 0 ]] && load get "$warmup" "$prefix" "$body" "$@" >/dev/null
  get="$(load get "$duration" "$prefix" "$body" "$@")"
  [[ $warmup -gt 0 ]] && load put "$warmup" "$prefix" "$body" "$@" >/dev/null
  put="$(load put "$duration" "$prefix" "$body" "$@")"
  echo "  $name: GET ${get% *} req/s, PUT ${put% *} req/s" >&2
  echo "$round $name ${get% *} ${put% *} $(( ${get#* } + ${put#* } ))" >> "$work/results"
}

# The sum over nodes of a numeric field of GET /cluster (0 when the field is missing).
cluster_sum() {
  local field="$1" total=0 value; shift
  for base in "$@"; do
    # /cluster describes the process's first node, then (in "members") each of its virtual nodes, that first one
    # included: the members' sum is every occurrence but the first, or the only one when there is no list.
    value="$(curl -s --max-time 5 "$base/cluster" | grep -o "\"$field\":[0-9]*" | cut -d: -f2 \
      | awk 'NR == 1 { first = $1 } { sum += $1 } END { print (NR > 1 ? sum - first : sum + 0) }' || true)"
    total=$((total + ${value:-0}))
  done
  echo "$total"
}

urls() { local p; for p in "$@"; do printf 'http://127.0.0.1:%d ' "$p"; done; }

run_bare() {
  local count="$1" ports=() p
  read -r -a ports <<<"$(free_ports "$count" "$base_port")"
  for p in "${ports[@]}"; do start "bare-$p" "$barekv" --urls "http://127.0.0.1:$p"; done
  for p in "${ports[@]}"; do wait_for "http://127.0.0.1:$p/kv/none" 404; done
  # shellcheck disable=SC2046
  measure "bare$count" /kv/ json $(urls "${ports[@]}")
  stop_all
}

run_chord() {
  local count="$1" ports=() p
  read -r -a ports <<<"$(free_ports "$count" $((base_port + 10)))"
  start "chord-${ports[0]}" env "${node_env[@]}" "$chordkvs" node --listen "127.0.0.1:${ports[0]}" --replicas 3 --seed 1
  wait_for "http://127.0.0.1:${ports[0]}/kv/none" 404
  for p in "${ports[@]:1}"; do
    start "chord-$p" env "${node_env[@]}" "$chordkvs" node --listen "127.0.0.1:$p" --join "http://127.0.0.1:${ports[0]}" --replicas 3 --seed "$p"
  done
  local deadline=$((SECONDS + 60))
  for p in "${ports[@]}"; do
    until curl -s --max-time 2 "http://127.0.0.1:$p/cluster/nodes" | grep -q "\"count\":$count"; do
      (( SECONDS < deadline )) || die "the $count ChordKvs nodes did not form one ring within 60 s; see $work/chord-*.log"
      sleep 0.5
    done
  done
  # shellcheck disable=SC2046
  set -- $(urls "${ports[@]}")
  local requests_before forwards_before
  requests_before="$(cluster_sum clientRequests "$@")"
  forwards_before="$(cluster_sum forwards "$@")"
  measure "chord$count" /kv/ json "$@"
  local requests=$(( $(cluster_sum clientRequests "$@") - requests_before ))
  local forwards=$(( $(cluster_sum forwards "$@") - forwards_before ))
  echo "$round chord$count $requests $forwards" >> "$work/forwards"
  stop_all
}

run_etcd() {
  command -v etcd >/dev/null || die "etcd is not installed (apt-get install etcd-server)"
  local cluster="" i client=() peer=()
  read -r -a client <<<"$(free_ports 3 $((base_port + 20)))"
  read -r -a peer <<<"$(free_ports 3 $((client[2] + 1)))"
  for i in 0 1 2; do cluster+="${cluster:+,}m$i=http://127.0.0.1:${peer[i]}"; done
  for i in 0 1 2; do
    start "etcd-$i" etcd --name "m$i" --data-dir "$work/etcd-$i" --enable-v2 \
      --listen-client-urls "http://127.0.0.1:${client[i]}" --advertise-client-urls "http://127.0.0.1:${client[i]}" \
      --listen-peer-urls "http://127.0.0.1:${peer[i]}" --initial-advertise-peer-urls "http://127.0.0.1:${peer[i]}" \
      --initial-cluster "$cluster" --initial-cluster-state new --initial-cluster-token chordkvs-compare
  done
  for i in 0 1 2; do wait_for "http://127.0.0.1:${client[i]}/health" 200; done
  curl -s --max-time 5 -X PUT "http://127.0.0.1:${client[0]}/v2/keys/probe" -d value=1 | grep -q '"action":"set"' \
    || die "etcd does not serve its v2 keys API (--enable-v2); see $work/etcd-0.log"
  # shellcheck disable=SC2046
  set -- $(urls "${client[@]}")
  measure etcd3 /v2/keys/ etcd "$@"
  # The consistency ChordKvs's default read gives: no stale value after an acknowledged write.
  local get
  query="?quorum=true"
  [[ $warmup -gt 0 ]] && load get "$warmup" /v2/keys/ etcd "$@" >/dev/null
  get="$(load get "$duration" /v2/keys/ etcd "$@")"
  query=""
  echo "  etcd3 quorum GET: ${get% *} req/s" >&2
  echo "$round etcd3q ${get% *} - ${get#* }" >> "$work/results"
  stop_all
}

echo "measuring: ${duration} s per figure after a ${warmup} s warm-up, $connections connections, $keys keys, ${value_size}-byte values" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
touch "$work/results" "$work/forwards"
IFS=, read -r -a wanted <<<"$systems"
for ((round = 1; round <= rounds; round++)); do
  (( rounds > 1 )) && echo "round $round of $rounds" >&2
  for system in "${wanted[@]}"; do
    case "$system" in
      bare1) run_bare 1 ;;
      bare3) run_bare 3 ;;
      chord1) run_chord 1 ;;
      chord3) run_chord 3 ;;
      etcd3) run_etcd ;;
      *) die "unknown system '$system' (bare1, bare3, chord1, chord3, etcd3)" ;;
    esac
  done
done
memory="$("$chordkvs" bench --memory --keys 1000000 --value-size "$value_size" 2>/dev/null | grep -o '[0-9.]* bytes of overhead per key' | cut -d' ' -f1 || true)"
load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# -------------------------------------------------------------------------------------------- report
# One round: the figures and ratios as measured. Several: each figure's median and range over the rounds, each ratio's
# median over the rounds' own ratios (a ratio compares two systems of the same round) and its range.
awk -v memory="${memory:-}" -v load_after="$load_after" -v rounds="$rounds" '
  FNR == NR { get[$2, $1] = $3; put[$2, $1] = $4; err[$2] += $5; seen[$2] = 1; next }
  { requests[$2] += $3; forwards[$2] += $4 }
  END {
    split("bare1 bare3 chord1 chord3 etcd3 etcd3q", order, " ")
    names["bare1"] = "bare Kestrel, 1 process"; names["bare3"] = "bare Kestrel, 3 processes"
    names["chord1"] = "ChordKvs, 1 node"; names["chord3"] = "ChordKvs, 3 nodes (N=3)"; names["etcd3"] = "etcd v2, 3 members"
    names["etcd3q"] = "etcd v2, GET ?quorum=true"
    if (rounds > 1) printf "\nmedians of %d rounds (min-max); errors summed\n", rounds
    printf "\n%-28s %10s %10s %8s\n", "system", "GET req/s", "PUT req/s", "errors"
    for (i = 1; i <= 6; i++) {
      s = order[i]
      if (!(s in seen)) continue
      printf "%-28s %10d %10s %8d", names[s], median_of(get, s), (s == "etcd3q" ? "-" : sprintf("%d", median_of(put, s))), err[s]
      printf (rounds > 1 ? (s == "etcd3q" ? "  (GET %s)\n" : "  (GET %s, PUT %s)\n") : "\n"), range_of(get, s), range_of(put, s)
    }
    printf "\n%-44s %7s %7s  %s\n", "target", "ratio", "goal", "met"
    ratio("ChordKvs 1 node / bare 1 process, GET", get, "chord1", "bare1", 0.9)
    ratio("ChordKvs 1 node / bare 1 process, PUT", put, "chord1", "bare1", 0.85)
    ratio("ChordKvs 3 nodes / bare 3 processes, GET", get, "chord3", "bare3", 0.8)
    ratio("ChordKvs 3 nodes / bare 3 processes, PUT", put, "chord3", "bare3", 0.5)
    ratio("ChordKvs 3 nodes / etcd v2 3 members, GET", get, "chord3", "etcd3", 1.5)
    ratio("ChordKvs 3 nodes / etcd v2 3 members, PUT", put, "chord3", "etcd3", 2.5)
    ratio("ChordKvs 3 nodes / etcd v2 quorum GET", get, "chord3", "etcd3q", "")
    if (requests["chord3"] > 0)
      printf "%-44s %7.3f %7s  %s\n", "forwards per client request, 3 nodes", forwards["chord3"] / requests["chord3"], "<=1", (forwards["chord3"] <= requests["chord3"] ? "yes" : "NO")
    if (memory != "")
      printf "%-44s %7.1f %7s  %s\n", "store bytes per key beyond key+value (1M)", memory, "<=150", (memory + 0 <= 150 ? "yes" : "NO")
    printf "\nload average after: %s\n", load_after
  }
  # The median of values[sys_name, 1..rounds] (the mean of the middle two for an even count).
  function median_of(values, sys_name,    n, r, v, i, j, t) {
    n = 0
    for (r = 1; r <= rounds; r++) if ((sys_name, r) in values) v[++n] = values[sys_name, r]
    return median(v, n)
  }
  function range_of(values, sys_name,    lo, hi, r, x) {
    lo = ""; hi = ""
    for (r = 1; r <= rounds; r++) if ((sys_name, r) in values) { x = values[sys_name, r] + 0; if (lo == "" || x < lo) lo = x; if (hi == "" || x > hi) hi = x }
    return lo "-" hi
  }
  function median(v, n,    i, j, t) {
    if (n == 0) return ""
    for (i = 2; i <= n; i++) for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  function ratio(label, values, a, b, goal,    n, r, q, lo, hi, m, range) {
    n = 0
    for (r = 1; r <= rounds; r++)
      if (((a, r) in values) && ((b, r) in values) && values[b, r] > 0) q[++n] = values[a, r] / values[b, r]
    if (n == 0) { printf "%-44s %7s %7s  %s\n", label, "-", (goal == "" ? "-" : ">=" goal), "not measured"; return }
    lo = q[1]; hi = q[1]
    for (r = 2; r <= n; r++) { if (q[r] < lo) lo = q[r]; if (q[r] > hi) hi = q[r] }
    m = median(q, n)
    range = n > 1 ? sprintf("  (%.2f-%.2f)", lo, hi) : ""
    # A ratio without a goal is for comparison only (like for like in consistency), not one of the targets.
    printf "%-44s %7.2f %7s  %s%s\n", label, m, (goal == "" ? "-" : ">=" goal), (goal == "" ? "(no target)" : m >= goal ? "yes" : "NO"), range
  }' "$work/results" "$work/forwards"
