#!/usr/bin/env bash
# Cross-check of roomcast's fan-out with clients the project does not ship: R `socat` receivers and one
# `socat` publisher of N 64-byte lines in the lobby, server CPU from /proc. Nothing of the project's own
# load tool is involved. Prints deliveries/s (from the publisher's first line to the last receiver's last
# line), deliveries per server CPU-second, and whether every receiver got every line in one order.
#
#   bench/crosscheck/socat-fanout.sh [--workers W] [--receivers R] [--lines N] [--rounds K]
#
# Needs socat (Debian: socat). Everything runs on loopback and stops by itself.
set -euo pipefail
cd "$(dirname "$0")/../.."
workers=1 receivers=100 lines=200000 rounds=1
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers=$2; shift 2 ;;
    --receivers) receivers=$2; shift 2 ;;
    --lines) lines=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "usage: $0 [--workers W] [--receivers R] [--lines N] [--rounds K]" >&2; exit 2 ;;
  esac
done
command -v socat >/dev/null || { echo "needs socat: apt-get install socat" >&2; exit 2; }
node=node_modules/.bin/node
dir=$(mktemp -d)
# Job control: each background pipeline is a process group of its own, so stopping one stops its
# `sleep` as well as its socat.
set -m
stop_jobs() { for job in $(jobs -p); do kill -- "-$job" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap 'stop_jobs; rm -rf "$dir"' EXIT

awk -v n="$lines" 'BEGIN { for (i = 1; i <= n; i++) printf "%064d\n", i }' > "$dir/lines"
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
clk_tck=$(getconf CLK_TCK)

for round in $(seq "$rounds"); do
  "$node" src/main.ts --port 0 --workers "$workers" --no-irc --no-http --flood-messages-per-second 0 \
    --flood-bytes-per-second 0 --max-connections-per-ip 0 --max-connects-per-ip-per-second 0 \
    --max-output-bytes 67108864 > "$dir/server.log" 2>&1 &
  server=$!
  port=""
  for _ in $(seq 100); do
    port=$(grep -o 'listening on [^ ]*:[0-9]*' "$dir/server.log" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "the server did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }

  # Each receiver sends its nickname, then holds its side open and writes all it reads to a file.
  for i in $(seq "$receivers"); do
    (printf 'r%d\n' "$i"; sleep 3600) | socat - "TCP:127.0.0.1:$port" > "$dir/r$i.out" &
  done
  # Ready when every receiver has seen the publisher join: its later lines are all the receiver gets.
  ready=0
  for _ in $(seq 300); do
    ready=$(grep -l -- '-- Hello' "$dir"/r*.out 2>/dev/null | wc -l)
    [ "$ready" -eq "$receivers" ] && break
    sleep 0.1
  done
  [ "$ready" -eq "$receivers" ] || { echo "only $ready of $receivers receivers got their hello" >&2; exit 1; }
  # The publisher reads a FIFO we hold open: its nickname now, its lines once the clock starts.
  mkfifo "$dir/pub.in"
  socat - "TCP:127.0.0.1:$port" < "$dir/pub.in" > "$dir/pub.out" &
  exec 3> "$dir/pub.in"
  printf 'pub\n' >&3
  # The publisher's join notice marks where its lines start in each receiver's file.
  for _ in $(seq 100); do
    [ "$(grep -l -- '-- pub joined' "$dir"/r*.out 2>/dev/null | wc -l)" -eq "$receivers" ] && break
    sleep 0.05
  done
  declare -A start_bytes=()
  for i in $(seq "$receivers"); do start_bytes[$i]=$(stat -c %s "$dir/r$i.out"); done
  line_bytes=$((14 + 64 + 1)) # "[lobby] <pub> " + payload + LF
  want=$((lines * line_bytes))
  cpu0=$(cpu_ticks "$server")
  t0=$(date +%s.%N)
  cat "$dir/lines" >&3
  # Wait (at most 120 s) until every receiver holds every line: a stat per receiver per poll, no reading.
  deadline=$((SECONDS + 120))
  while :; do
    done_count=0
    for i in $(seq "$receivers"); do
      [ $(($(stat -c %s "$dir/r$i.out") - start_bytes[$i])) -ge "$want" ] && done_count=$((done_count + 1))
    done
    [ "$done_count" -eq "$receivers" ] && break
    [ "$SECONDS" -lt "$deadline" ] || break
    sleep 0.02
  done
  t1=$(date +%s.%N)
  cpu1=$(cpu_ticks "$server")
  # Integrity after the clock stops: each receiver's publisher lines, in order, hashed; one hash = one order.
  hashes=$(for i in $(seq "$receivers"); do grep -F '[lobby] <pub> ' "$dir/r$i.out" | md5sum; done | sort | uniq -c)
  complete=$(for i in $(seq "$receivers"); do grep -cF '[lobby] <pub> ' "$dir/r$i.out"; done | awk -v n="$lines" '$1 == n' | wc -l)
  deliveries=$((lines * receivers))
  awk -v d="$deliveries" -v t0="$t0" -v t1="$t1" -v c0="$cpu0" -v c1="$cpu1" -v hz="$clk_tck" \
    -v w="$workers" -v r="$round" -v complete="$complete" -v n="$receivers" -v orders="$(echo "$hashes" | wc -l)" \
    'BEGIN { s = t1 - t0; cpu = (c1 - c0) / hz;
      printf "round %d, %d worker(s): %d deliveries in %.2f s = %.2f M/s; server CPU %.2f s = %.2f M per CPU-s; %d of %d receivers complete; %d order(s)\n",
        r, w, d, s, d / s / 1e6, cpu, d / cpu / 1e6, complete, n, orders }'
  exec 3>&-
  stop_jobs
  rm -f "$dir"/r*.out "$dir/pub.out" "$dir/pub.in"
done
