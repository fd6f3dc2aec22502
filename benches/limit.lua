-- wrk script for benches/limit.sh. TARGET=healthz: GET /healthz. Otherwise POST /api/v1/chat
-- with every question of QUESTIONS (default tests/golden/situations.txt: 256 situations written
-- for the golden file, not the eval sets), in turn, each a new conversation. A few questions
-- share a session (a second turn on the session of the turn before) so continued sessions are
-- in the mix too. Non-2xx answers are counted and printed by done().

local target = os.getenv("TARGET") or "chat"
local path = os.getenv("QUESTIONS") or "tests/golden/situations.txt"
local questions = {}
for line in io.lines(path) do
  if line:match("%S") and not line:match("^#") then
    table.insert(questions, line)
  end
end

local n = 0
local session = nil
errors = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function json(s)
  return (s:gsub('\\', '\\\\'):gsub('"', '\\"'))
end

function request()
  if target == "healthz" then
    return wrk.format("GET", "/healthz")
  end
  n = n + 1
  local q = questions[(n % #questions) + 1]
  local body
  -- Every fifth question continues the session of the answer before it.
  if n % 5 == 0 and session then
    body = '{"message":"' .. json(q) .. '","session_id":"' .. session .. '"}'
  else
    body = '{"message":"' .. json(q) .. '"}'
  end
  return wrk.format("POST", "/api/v1/chat", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, b)
  if status ~= 200 then
    errors = errors + 1
  end
  if target ~= "healthz" then
    session = b:match('"session_id":"(%x+)"')
  end
end

function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do
    errs = errs + (t:get("errors") or 0)
  end
  io.write(string.format("RESULT requests=%d duration_s=%.2f req_per_s=%.1f p50_ms=%.3f p99_ms=%.3f non2xx=%d socket_errors=%d distinct=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    errs, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    #questions))
end
