#!/usr/bin/env bash
# How close a chat turn is to the HTTP stack's own cost, measured in one run on loopback:
#
#   bash benches/limit.sh            # DURATION=15 (seconds per wrk run)
#
# 1. Builds and starts the release server on a free 127.0.0.1 port (rate limit off).
# 2. wrk -t1 -c8 on GET /healthz, then on POST /api/v1/chat with 256 distinct questions
#    (benches/limit.lua, tests/golden/situations.txt, as 1,000 people in conversation): req/s,
#    p50/p99, errors, and the server's CPU time per request read from /proc/PID/stat (utime +
#    stime) before and after each run.
# 3. A paced run (wrk2-style pacing is not available: 1 connection, ~1,000 req/s with a 1 ms
#    delay) for p99 at about 1,000 req/s.
# 4. The reference implementation (../shared/peers) on the same chat mix: req/s and CPU µs.
# 5. The ratios against the targets, and the server's peak RSS.
# No response cache sits in the measured path: every request is understood, searched and
# composed. Only 127.0.0.1 is contacted; every process started here is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
PEERS=${PEERS:-../shared/peers}

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
cargo build --release --quiet

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "${DATA:-}"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
rss_mb() { awk -v f="$2" '$1 == f":" { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
wait_ready() { # port, timeout s: any HTTP answer will do (the reference has no /healthz)
  for _ in $(seq 1 $(( ${2:-30} * 20 ))); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/healthz" || true)" != 000 ] && return 0
    sleep 0.05
  done
  echo "no answer on port $1" >&2; return 1
}
# measure PID PORT LABEL TARGET [wrk args…]: one wrk run with the server's CPU per request.
measure() {
  local pid=$1 port=$2 label=$3 target=$4; shift 4
  local before after out reqs rps
  before=$(ticks "$pid")
  out=$(TARGET=$target wrk "$@" --latency -s benches/limit.lua "http://127.0.0.1:$port" | grep '^RESULT')
  after=$(ticks "$pid")
  reqs=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<<"$out")
  rps=$(sed -n 's/.*req_per_s=\([0-9.]*\).*/\1/p' <<<"$out")
  local us
  us=$(python3 -c "print(f'{($after - $before) / $hz * 1e6 / max(1, $reqs):.1f}')")
  echo "$label ${out#RESULT } server_cpu_us_per_req=$us" >&2
  local bad
  bad=$(sed -n 's/.*non2xx=\([0-9]*\).*/\1/p' <<<"$out")
  echo "$rps $us ${bad:-0}"
}

echo "== madoguchi"
PORT=$(free_port)
# All load comes from one address: no per-client rate or conversation budget.
DATA=$(mktemp -d)
# Every turn is recorded, as in production: the desk's SQLite database in a temporary directory.
RUST_LOG=warn target/release/madoguchi serve --bind "127.0.0.1:$PORT" --rate-per-second 0 --new-sessions-per-hour 0 \
  --database "sqlite://$DATA/madoguchi.sqlite3" &
SERVER=$!; PIDS+=("$SERVER")
wait_ready "$PORT"
# Warm-up: page in the binary and the index before measuring.
TARGET=chat wrk -t1 -c4 -d2s -s benches/limit.lua "http://127.0.0.1:$PORT" >/dev/null
read -r H_RPS H_US H_BAD < <(measure "$SERVER" "$PORT" healthz healthz -t1 -c8 -d"${DURATION}s")
read -r C_RPS C_US C_BAD < <(measure "$SERVER" "$PORT" chat chat -t1 -c8 -d"${DURATION}s")
measure "$SERVER" "$PORT" chat-paced chat -t1 -c1 -d"${DURATION}s" >/dev/null
echo "peak RSS: $(rss_mb "$SERVER" VmHWM) MB"

R_RPS=""; R_US=""
if [ -x "$PEERS/serve.sh" ]; then
  echo "== reference implementation ($PEERS)"
  PEER_PORT=$(free_port)
  ( PORT=$PEER_PORT exec "$PEERS/serve.sh" >/tmp/peer-limit.log 2>&1 ) &
  PEER=$!; PIDS+=("$PEER")
  wait_ready "$PEER_PORT" 600 || true
  PEER_PID=$(pgrep -f "uvicorn app:app --host 127.0.0.1 --port $PEER_PORT" | head -1 || echo "$PEER")
  PIDS+=("$PEER_PID")
  TARGET=chat wrk -t1 -c4 -d2s -s benches/limit.lua "http://127.0.0.1:$PEER_PORT" >/dev/null
  read -r R_RPS R_US _ < <(measure "$PEER_PID" "$PEER_PORT" reference chat -t1 -c8 -d"${DURATION}s")
else
  echo "reference comparison skipped: $PEERS not found"
fi

echo "== against the targets"
python3 - "$H_RPS" "$H_US" "$C_RPS" "$C_US" "${R_RPS:-0}" "${R_US:-0}" "$H_BAD" "$C_BAD" <<'PY'
import sys
h_rps, h_us, c_rps, c_us, r_rps, r_us, h_bad, c_bad = map(float, sys.argv[1:])
if h_bad or c_bad:
    # A refused request costs next to nothing: figures over refusals measure the refusal.
    print(f"INVALID RUN: {h_bad:.0f} healthz and {c_bad:.0f} chat answers were not 2xx "
          "(see the server's log); no target is judged")
    sys.exit(1)
print(f"healthz {h_rps:.0f} req/s at {h_us:.1f} µs CPU; chat {c_rps:.0f} req/s at {c_us:.1f} µs CPU")
print(f"chat CPU per turn {c_us:.1f} µs (target ≤ 60): {'met' if c_us <= 60 else 'NOT met'}")
print(f"chat/healthz req/s {c_rps / h_rps:.2f} (target ≥ 0.5): {'met' if c_rps >= 0.5 * h_rps else 'NOT met'}")
if r_rps:
    print(f"reference {r_rps:.0f} req/s at {r_us:.1f} µs CPU; chat/reference req/s {c_rps / r_rps:.1f}× "
          f"(target ≥ 30×): {'met' if c_rps >= 30 * r_rps else 'NOT met'}; CPU per turn {r_us / c_us:.1f}× less")
PY
echo "== command: bash benches/limit.sh (DURATION=$DURATION): wrk -t1 -c8 -d${DURATION}s -s benches/limit.lua, TARGET=healthz|chat"
