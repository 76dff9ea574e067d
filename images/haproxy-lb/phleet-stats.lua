-- Phleet statistics kept by the HAProxy balancer itself (issue 17), written in the same line format as the
-- NGINX balancer's (images/nginx-lb/phleet-stats.lua) so that Phleet reads both the same way. HAProxy already
-- counts answers per server (by status class), retries and redispatches; the only per-request work here is
-- the latency histogram. A task writes the cumulative totals as one stderr line a few times a second while
-- they change, every few seconds otherwise.
local BACKEND = "phleet_app"
local BOUNDS = { 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000 }
local PREFIX = "phleet-stats "
local INTERVAL_MS = 250
local HEARTBEAT_S = 5

-- A new generation per worker process: a reload starts a new worker whose counters begin at zero.
local function now_s()
  local t = core.now()
  return t.sec + t.usec / 1e6
end
math.randomseed(math.floor(now_s() * 1000000) % 2147483647)
local GEN = string.format("%d-%d", math.floor(now_s() * 1000), math.random(1, 1000000000))

-- Latency histograms per server name (servers are named by their address, "10.1.2.21:80").
local hist = {}

local function bucket_of(ms)
  for i = 1, #BOUNDS do
    if ms <= BOUNDS[i] then return i end
  end
  return #BOUNDS + 1
end

-- http-request (backend): remember when the request was handed to the backend.
core.register_action("phleet_start", { "http-req" }, function(txn)
  -- In whole microseconds: HAProxy keeps a Lua number in a variable as an integer.
  local t = core.now()
  txn:set_var("txn.phleet_t0", t.sec * 1000000 + t.usec)
end)

-- http-response (backend): the answering server's latency into its histogram.
core.register_action("phleet_count", { "http-res" }, function(txn)
  local t0 = txn:get_var("txn.phleet_t0")
  local srv = txn.f:srv_name()
  if not t0 or not srv then return end
  local h = hist[srv]
  if not h then
    h = {}
    for i = 1, #BOUNDS + 1 do h[i] = 0 end
    hist[srv] = h
  end
  local t = core.now()
  local b = bucket_of((t.sec * 1000000 + t.usec - t0) / 1000)
  h[b] = h[b] + 1
end)

local function n(v) return tonumber(v) or 0 end

local function answers(s)
  return { n(s.hrsp_2xx), n(s.hrsp_3xx), n(s.hrsp_4xx), n(s.hrsp_5xx) }, n(s.hrsp_1xx) + n(s.hrsp_2xx) + n(s.hrsp_3xx) + n(s.hrsp_4xx) + n(s.hrsp_5xx) + n(s.hrsp_other)
end

local function escape(s)
  return (string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end))
end

local function line()
  local be = core.backends[BACKEND]
  if not be then return nil, 0 end
  local parts, served, failovers = {}, 0, 0
  for name, server in pairs(be.servers) do
    local s = server:get_stats()
    local c, t = answers(s)
    served = served + t
    -- A failed attempt on this server that went to another one: HAProxy counts it as a retry or, with
    -- `option redispatch 1`, a redispatch away from it.
    local f = n(s.wredis) + n(s.wretr)
    failovers = failovers + n(s.wredis)
    local h = hist[name]
    if not h then
      h = {}
      for i = 1, #BOUNDS + 1 do h[i] = 0 end
    end
    parts[#parts + 1] = string.format('"%s":{"t":%d,"c":[%s],"f":%d,"h":[%s]}', escape(name), t, table.concat(c, ","), f, table.concat(h, ","))
  end
  local bs = be:get_stats()
  local bc, bt = answers(bs)
  -- Answers no server gave (HAProxy's own 503 when none is up), like NGINX's upstream group name.
  if bt > served then
    local own = {}
    for name, server in pairs(be.servers) do
      local c = answers(server:get_stats())
      for i = 1, 4 do own[i] = (own[i] or 0) + c[i] end
    end
    for i = 1, 4 do bc[i] = math.max(0, bc[i] - (own[i] or 0)) end
    local h = {}
    for i = 1, #BOUNDS + 1 do h[i] = 0 end
    parts[#parts + 1] = string.format('"%s":{"t":%d,"c":[%s],"f":0,"h":[%s]}', BACKEND, bt - served, table.concat(bc, ","), table.concat(h, ","))
  end
  local text = string.format('%s{"gen":"%s","ts":%.3f,"fo":%d,"bytes":%d,"bounds":[%s],"a":{%s}}\n', PREFIX, GEN, now_s(), failovers,
    n(bs.bout), table.concat(BOUNDS, ","), table.concat(parts, ","))
  return text, bt + failovers
end

core.register_task(function()
  local emitted, emitted_at = -1, 0
  while true do
    core.msleep(INTERVAL_MS)
    -- A worker replaced by a reload stops writing: its counts would be read as a generation that began again.
    local info = core.get_info()
    if info and n(info.Stopping) == 1 then return end
    local ok, text, total = pcall(line)
    if not ok then
      core.Alert("phleet-stats: " .. tostring(text))
    elseif text and (total ~= emitted or now_s() - emitted_at >= HEARTBEAT_S) then
      emitted, emitted_at = total, now_s()
      io.stderr:write(text)
      io.stderr:flush()
    end
  end
end)
