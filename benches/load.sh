#!/usr/bin/env bash
# Loopback load benchmark of madoguchi, and of the reference implementation beside it.
#
#   bash benches/load.sh            # DURATION=20 SESSION_REQUESTS=1000000 SESSION_SECONDS=240
#
# 1. Builds and starts the release server on a free 127.0.0.1 port (rate limit off: all load
#    comes from one address) and measures process start → first successful chat answer.
# 2. wrk, 2 threads × 8 connections, DURATION seconds, the mix of benches/mix.lua (single
#    questions, two-turn dialogues, out-of-scope questions): req/s, p50/p99/p99.9, errors, the
#    server's peak RSS.
# 3. A paced run (1 connection, 1 ms between requests, a little under 1,000 req/s): latency.
# 4. When ../shared/peers/serve.sh exists: the reference implementation, same mix, same
#    measurements, and the ratio line.
# 5. Session cap: SESSION_REQUESTS requests each starting a new session (at most
#    SESSION_SECONDS), the server's RSS sampled every 5 s.
# Only 127.0.0.1 is contacted; every process started here is stopped by its pid on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
SESSION_REQUESTS=${SESSION_REQUESTS:-1000000}
SESSION_SECONDS=${SESSION_SECONDS:-240}
PEERS=../shared/peers

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
cargo build --release --quiet

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
now_ms() { date +%s%3N; }
rss_mb() { awk -v f="$2" '$1 == f":" { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
ask() { curl -s -o /dev/null -w '%{http_code}' -H 'content-type: application/json' \
          -d '{"message":"台湾に焼酎を輸出したい"}' "http://127.0.0.1:$1/api/v1/chat" 2>/dev/null || true; }
# Waits until the server on port $1 answers a chat turn; prints the ms since $2.
wait_ready() {
  local deadline=$(( $(now_ms) + ${3:-30000} ))
  until [ "$(ask "$1")" = 200 ]; do
    [ "$(now_ms)" -lt "$deadline" ] || { echo "no answer on port $1" >&2; return 1; }
    sleep 0.005
  done
  echo $(( $(now_ms) - $2 ))
}
run_wrk() { # port, label, extra wrk args...
  local port=$1 label=$2; shift 2
  wrk "$@" --latency -s benches/mix.lua "http://127.0.0.1:$port" | grep '^RESULT' | sed "s/^RESULT/$label/"
}
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

echo "== madoguchi"
PORT=$(free_port)
T0=$(now_ms)
# All load comes from one address: no per-client rate or conversation budget.
RUST_LOG=info target/release/madoguchi serve --bind "127.0.0.1:$PORT" --rate-per-second 0 --new-sessions-per-hour 0 2>/tmp/madoguchi-load.log &
SERVER=$!; PIDS+=("$SERVER")
START_MS=$(wait_ready "$PORT" "$T0")
echo "start-up: process start → first answer ${START_MS} ms; server log: $(grep -o 'start-up [0-9.]* ms' /tmp/madoguchi-load.log)"
M=$(run_wrk "$PORT" madoguchi -t2 -c8 -d"${DURATION}s")
echo "$M"
echo "peak RSS during the run: $(rss_mb "$SERVER" VmHWM) MB"
P=$(MIX_LUA=benches/mix.lua wrk -t1 -c1 -d"${DURATION}s" --latency -s benches/paced.lua "http://127.0.0.1:$PORT" | grep '^RESULT' | sed 's/^RESULT/madoguchi-paced/')
echo "$P"

if [ -x "$PEERS/serve.sh" ]; then
  echo "== reference implementation ($PEERS)"
  PEER_PORT=$(free_port)
  # The first run builds its virtualenv from PyPI; that is set-up, not start-up, so it is done
  # (and timed separately) before the measured start.
  ( PORT=$PEER_PORT "$PEERS/serve.sh" >/tmp/peer-setup.log 2>&1 & echo $! >/tmp/peer-setup.pid )
  SETUP_PID=$(cat /tmp/peer-setup.pid); PIDS+=("$SETUP_PID")
  wait_ready "$PEER_PORT" "$(now_ms)" 600000 >/dev/null
  pkill -P "$SETUP_PID" 2>/dev/null || true; kill "$SETUP_PID" 2>/dev/null || true; sleep 1
  T0=$(now_ms)
  ( PORT=$PEER_PORT exec "$PEERS/serve.sh" >/tmp/peer.log 2>&1 ) &
  PEER=$!; PIDS+=("$PEER")
  PEER_START=$(wait_ready "$PEER_PORT" "$T0" 60000)
  PEER_PID=$(pgrep -f "uvicorn app:app --host 127.0.0.1 --port $PEER_PORT" | head -1 || echo "$PEER")
  PIDS+=("$PEER_PID")
  echo "start-up: process start → first answer ${PEER_START} ms"
  R=$(run_wrk "$PEER_PORT" reference -t2 -c8 -d"${DURATION}s")
  echo "$R"
  echo "peak RSS during the run: $(rss_mb "$PEER_PID" VmHWM) MB"
  kill "$PEER_PID" "$PEER" 2>/dev/null || true
  MR=$(field "$M" req_per_s); RR=$(field "$R" req_per_s)
  echo "ratio: madoguchi $MR req/s vs reference $RR req/s = $(python3 -c "print(f'{$MR / $RR:.1f}')")×"
else
  echo "reference comparison skipped: $PEERS not found"
fi

echo "== session cap: ${SESSION_REQUESTS} requests, each a new session (at most ${SESSION_SECONDS} s)"
RATE=$(field "$M" req_per_s)
SECS=$(python3 -c "print(max(10, min($SESSION_SECONDS, int($SESSION_REQUESTS / max(1.0, $RATE * 0.75)) + 5)))")
FRESH=1 wrk -t2 -c8 -d"${SECS}s" --latency -s benches/mix.lua "http://127.0.0.1:$PORT" >/tmp/session-cap.txt &
WRK=$!; PIDS+=("$WRK")
echo "elapsed_s rss_mb sessions"
for ((t = 0; t <= SECS; t += 5)); do
  SESS=$(curl -s "http://127.0.0.1:$PORT/healthz" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sessions"])' 2>/dev/null || echo "?")
  echo "$t $(rss_mb "$SERVER" VmRSS) $SESS"
  sleep 5
done
wait "$WRK" || true
S=$(grep '^RESULT' /tmp/session-cap.txt | sed 's/^RESULT/session-cap/')
echo "$S"
echo "after: RSS $(rss_mb "$SERVER" VmRSS) MB, peak $(rss_mb "$SERVER" VmHWM) MB"
echo "== commands: bash benches/load.sh (DURATION=$DURATION); wrk -t2 -c8 -d${DURATION}s --latency -s benches/mix.lua; wrk -t1 -c1 -s benches/paced.lua; FRESH=1 wrk -t2 -c8 -d${SECS}s -s benches/mix.lua"
