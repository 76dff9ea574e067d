-- Phleet statistics kept by the balancer itself (issue 17): every request adds to counters in a shared
-- dict (per upstream address: requests by status class, failed attempts, a latency histogram), and
-- worker 0 writes the cumulative counters as one line to stderr a few times a second when they changed,
-- every few seconds otherwise. Phleet follows stderr alone and takes differences, so its cost does not grow with traffic;
-- the per-request JSON access log stays on stdout for people reading the logs.
local M = {}

local dict = ngx.shared.phleet_stats
-- Upper bounds (ms) of the latency histogram; the last bucket holds everything slower. Sent in every
-- line, so Phleet never needs its own copy.
local BOUNDS = { 1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000, 30000 }
local PREFIX = "phleet-stats "
local INTERVAL = 0.25

-- A new generation each time the shared dict is created (a start, not a reload: a reload keeps the
-- dict and its counters), so Phleet knows when counting started again from zero.
function M.init()
  dict:add("gen", string.format("%d-%d", math.floor(ngx.now() * 1000), math.random(1, 1000000000)))
end

local function bucket_of(ms)
  for i = 1, #BOUNDS do
    if ms <= BOUNDS[i] then return i - 1 end
  end
  return #BOUNDS
end

-- "a:80, b:80 : c:80" -> { "a:80", "b:80", "c:80" } (", " between attempts, " : " between internal redirects)
local function split(value)
  local out = {}
  if not value or value == "" or value == "-" then return out end
  for item in string.gmatch((string.gsub(value, "%s+:%s+", ",")), "[^,%s]+") do
    if item ~= "-" then out[#out + 1] = item end
  end
  return out
end

function M.log()
  local var = ngx.var
  if var.uri == "/phleet-lb-health" then return end
  local status = tonumber(var.status) or 0
  local addrs = split(var.upstream_addr)
  local served = addrs[#addrs] or "-"
  for i = 1, #addrs - 1 do
    dict:incr("a|" .. addrs[i] .. "|f", 1, 0)
  end
  if #addrs > 1 then dict:incr("fo", 1, 0) end
  local p = "a|" .. served .. "|"
  dict:incr(p .. "t", 1, 0)
  local cls = math.floor(status / 100)
  if cls >= 2 and cls <= 5 then dict:incr(p .. cls, 1, 0) end
  local times = split(var.upstream_response_time)
  local last = tonumber(times[#times] or "")
  if last then dict:incr(p .. "h" .. bucket_of(last * 1000), 1, 0) end
  dict:incr("bytes", tonumber(var.body_bytes_sent) or 0, 0)
  dict:incr("v", 1, 0)
end

local function escape(s)
  return (string.gsub(s, '[%c"\\]', function(c) return string.format("\\u%04x", string.byte(c)) end))
end

local emitted = -1
-- Without traffic a line still goes out this often, so Phleet can tell a quiet balancer from a stalled log
-- follower (it reopens a stream silent for longer than twice this) without reopening every quiet stream.
local HEARTBEAT = 5
local emitted_at = 0

local function emit(force)
  local v = dict:get("v") or 0
  if v == emitted and not force and ngx.now() - emitted_at < HEARTBEAT then return end
  emitted = v
  emitted_at = ngx.now()
  local addrs, order = {}, {}
  for _, key in ipairs(dict:get_keys(0)) do
    local addr, field = string.match(key, "^a|(.*)|(%w+)$")
    if addr then
      local a = addrs[addr]
      if not a then
        a = { t = 0, c = { 0, 0, 0, 0 }, f = 0, h = {} }
        for i = 1, #BOUNDS + 1 do a.h[i] = 0 end
        addrs[addr] = a
        order[#order + 1] = addr
      end
      local n = dict:get(key) or 0
      if field == "t" then a.t = n
      elseif field == "f" then a.f = n
      elseif field:sub(1, 1) == "h" then a.h[tonumber(field:sub(2)) + 1] = n
      else a.c[tonumber(field) - 1] = n end
    end
  end
  local parts = {}
  for _, addr in ipairs(order) do
    local a = addrs[addr]
    parts[#parts + 1] = string.format('"%s":{"t":%d,"c":[%s],"f":%d,"h":[%s]}', escape(addr), a.t, table.concat(a.c, ","), a.f, table.concat(a.h, ","))
  end
  local line = string.format('%s{"gen":"%s","ts":%.3f,"fo":%d,"bytes":%d,"bounds":[%s],"a":{%s}}\n', PREFIX,
    escape(dict:get("gen") or ""), ngx.now(), dict:get("fo") or 0, dict:get("bytes") or 0, table.concat(BOUNDS, ","), table.concat(parts, ","))
  io.stderr:write(line)
  io.stderr:flush()
end

function M.init_worker()
  if ngx.worker.id() ~= 0 then return end
  ngx.timer.every(INTERVAL, function(premature)
    ngx.update_time()
    -- premature: the worker is shutting down (stop, restart, reload): the last counts go out now.
    local ok, err = pcall(emit, premature)
    if not ok then ngx.log(ngx.ERR, "phleet-stats: ", err) end
  end)
end

return M
