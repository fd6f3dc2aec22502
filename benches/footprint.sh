#!/usr/bin/env bash
# A binary's footprint: start-up to the first /healthz answer (5 starts), RSS idle, and RSS after
# 300 chat turns (our golden situations in Japanese and our own English and Chinese situations,
# tests/golden/situations.txt and tests/golden/multilingual.jsonl, taken in turn).
#
#   bash benches/footprint.sh [BINARY]     # default target/release/madoguchi (not built here)
#
# Run it from the checkout whose corpus the binary reads (the server reads ./corpus). Only
# 127.0.0.1 is contacted; the server is started on a free port with a database of its own in a
# temporary directory and stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/madoguchi}
[ -x "$BIN" ] || { echo "no binary at $BIN (cargo build --release)" >&2; exit 1; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PID=
DATA=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; [ -n "$DATA" ] && rm -rf "$DATA"; true; }
trap cleanup EXIT
echo "binary: $BIN ($(stat -c %s "$BIN") bytes)"
for run in 1 2 3 4 5; do
  DATA=$(mktemp -d)
  t0=$(date +%s%N)
  RUST_LOG=warn "$BIN" serve --bind "127.0.0.1:$PORT" --rate-per-second 0 --new-sessions-per-hour 0 \
    --writes-per-hour 0 --database "sqlite://$DATA/madoguchi.sqlite3" >/dev/null 2>&1 &
  PID=$!
  for _ in $(seq 1 3000); do
    kill -0 "$PID" 2>/dev/null || { echo "the server stopped at start-up (run it from its own checkout)" >&2; exit 1; }
    curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break
    sleep 0.01
  done
  echo "start-up to /healthz, run $run: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  if [ "$run" = 5 ]; then
    echo "RSS idle: $(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status") MB"
    python3 - "$PORT" <<'PY'
import json, sys, urllib.request
japanese = [l.strip() for l in open("tests/golden/situations.txt", encoding="utf-8") if l.strip()]
cases = [json.loads(l) for l in open("tests/golden/multilingual.jsonl", encoding="utf-8") if l.strip()]
other = [c["q"] if "q" in c else c["dialogue"][0] for c in cases]
questions = [q for pair in zip(japanese, other) for q in pair]
for i in range(300):
    body = json.dumps({"message": questions[i % len(questions)]}).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/chat", data=body,
                                 headers={"content-type": "application/json"})
    urllib.request.urlopen(req, timeout=10).read()
PY
    echo "RSS after 300 turns: $(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status") MB (peak $(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$PID/status") MB)"
  fi
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
  rm -rf "$DATA"; DATA=
done
