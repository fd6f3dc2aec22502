-- A realistic chat mix for wrk against POST /api/v1/chat: single questions, two-turn
-- dialogues (the second turn answers the first turn's question, with its session id), and
-- questions outside these programs. Non-2xx answers are counted as errors and printed by done().
-- FRESH=1 (env) sends only single questions without a session id: every request a new session.

local single = {
  "台湾に県産の焼酎を売り込みたい",
  "父から店を引き継いだので改装したい",
  "益城町の工場が熊本地震で壊れたままです",
  "原材料の値上がりで運転資金が足りない",
  "製造業です。生産ラインにIoTを入れたい",
  "商店街でプレミアム商品券を出して客足を戻したい",
  "副業のプロ人材に来てもらう報酬を補助してほしい",
  "借入の返済が厳しく再生計画を作りたい",
}
local dialogue = {
  { "災害で店の建物が壊れました", "令和2年7月豪雨" },
  { "後継ぎのことで相談したい", "すでに承継した（引継ぎ後）" },
  { "使える助成金はありますか", "DX・デジタル化" },
}
local outside = { "明日の天気を教えて", "確定申告のやり方", "住宅ローンの借り換えをしたい" }

local fresh = os.getenv("FRESH") == "1"
local n = 0
local pending = nil      -- the second turn waiting for a session id
local session = nil
errors = 0 -- global: done() reads it from each thread with thread:get
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

local function body(message, sid)
  message = message:gsub('"', '\\"')
  if sid then
    return '{"message":"' .. message .. '","session_id":"' .. sid .. '"}'
  end
  return '{"message":"' .. message .. '"}'
end

function request()
  n = n + 1
  local msg, sid
  if fresh then
    msg = single[(n % #single) + 1]
  elseif pending and session then
    msg, sid, pending = pending, session, nil
  else
    local k = n % 10
    if k < 6 then
      msg = single[(n % #single) + 1]
    elseif k < 8 then
      local d = dialogue[(n % #dialogue) + 1]
      msg, pending = d[1], d[2]
    else
      msg = outside[(n % #outside) + 1]
    end
  end
  return wrk.format("POST", "/api/v1/chat", { ["Content-Type"] = "application/json" }, body(msg, sid))
end

function response(status, headers, b)
  if status ~= 200 then
    errors = errors + 1
  end
  session = b:match('"session_id":"(%x+)"')
end

function done(summary, latency, requests)
  local errs = 0
  for _, t in ipairs(threads) do
    errs = errs + (t:get("errors") or 0)
  end
  io.write(string.format("RESULT requests=%d duration_s=%.2f req_per_s=%.1f p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000,
    errs, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
