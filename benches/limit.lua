-- wrk script for benches/limit.sh. TARGET=healthz: GET /healthz. Otherwise POST /api/v1/chat
-- with every question of QUESTIONS (default tests/golden/situations.txt: 256 situations written
-- for the golden file, not the eval sets), in turn, as POOL people in conversation (default
-- 1,000): until POOL conversations exist every question starts one; after that every question
-- continues one of the POOL most recently answered conversations. The store then holds about
-- POOL conversations in progress, as a busy desk would, instead of a stream of fresh ones that
-- the session store (which never evicts a conversation in progress) would refuse once full. A
-- conversation that reaches its turn limit starts over, so new conversations stay in the mix.
-- Non-2xx answers are counted and printed by done().

local target = os.getenv("TARGET") or "chat"
-- PACE_MS: each connection waits this long before every request (one connection and 1 ms: a
-- little under 1,000 requests a second, a latency measurement at a fixed rate).
local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
  function delay()
    return pace
  end
end
local path = os.getenv("QUESTIONS") or "tests/golden/situations.txt"
local questions = {}
for line in io.lines(path) do
  if line:match("%S") and not line:match("^#") then
    table.insert(questions, line)
  end
end

local n = 0
local pool_size = tonumber(os.getenv("POOL") or "1000")
local pool = {}
local answered = 0
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
  if #pool >= pool_size then
    local session = pool[(n % pool_size) + 1]
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
    local session = b:match('"session_id":"(%x+)"')
    if session then
      -- The pool keeps the most recently answered conversations (a continued one, or the new
      -- one that replaced it at its turn limit).
      answered = answered + 1
      pool[((answered - 1) % pool_size) + 1] = session
    end
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
