-- The same mix as mix.lua, paced: each connection waits 1 ms before every request, so one
-- connection sends a little under 1,000 requests a second (a latency measurement at a fixed
-- rate, which plain wrk does not do).
dofile(os.getenv("MIX_LUA") or "benches/mix.lua")

function delay()
  return 1
end
