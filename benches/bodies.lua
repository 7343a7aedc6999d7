-- wrk script: POST one prepared JSON body per request, each used once (writes that must differ: a check-in
-- per volunteer, a booking per slot). The RESULT line is bench.lua's (../shared/bench/load), so
-- summarise.py reads both. Configured through env vars:
--   BODIES_FILE  one JSON body per line, or `path<TAB>body` (a booking per room); wrk's threads take every
--                THREADS-th line from their own offset
--   LOAD_PATH    the path POSTed to when a line names none
--   LOAD_AUTH    the Authorization header value
--   LOAD_LABEL   text echoed in the result line
-- A connection that finds the bodies used up asks for FILLER_PATH (GET, default /healthz) instead, so no
-- write is sent twice; the thread stops the run (as bench.lua does at its count) once every body has its
-- answer, so the duration covers exactly the writes, and rps counts only them.

local ffi = require("ffi")
ffi.cdef[[
int getpid(void);
long syscall(long number, ...);
]]
local function end_run()
  local pid = ffi.C.getpid()
  ffi.C.syscall(ffi.cast("long", 234), ffi.cast("long", pid), ffi.cast("long", pid), ffi.cast("long", 2))
end

local threads, next_id = {}, 0
function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local mine, sent, seen, stopped = {}, 0, 0, false
function init(args)
  local n = tonumber(os.getenv("THREADS") or "1")
  local i = 0
  for line in io.lines(os.getenv("BODIES_FILE")) do
    if i % n == tid and line ~= "" then
      local p, b = line:match("^([^\t]+)\t(.*)$")
      table.insert(mine, { p or os.getenv("LOAD_PATH"), b or line })
    end
    i = i + 1
  end
  wrk.method = "POST"
  wrk.headers["Accept"] = "application/json"
  wrk.headers["Content-Type"] = "application/json"
  local auth = os.getenv("LOAD_AUTH")
  if auth and auth ~= "" then wrk.headers["Authorization"] = auth end
end

-- wrk asks thread 0's script for one request before the run, to count pipelined requests
-- (script_verify_request), and never sends it: that call must not use up a body.
local probed = false
function request()
  if tid == 0 and not probed then
    probed = true
    return wrk.format("GET", os.getenv("FILLER_PATH") or "/healthz", nil, nil)
  end
  sent = sent + 1
  if sent > #mine then
    return wrk.format("GET", os.getenv("FILLER_PATH") or "/healthz", nil, nil)
  end
  local r = mine[sent]
  return wrk.format("POST", r[1], nil, r[2])
end

-- A write answers JSON; the filler does not.
function response(status, headers, b)
  local ct = headers["Content-Type"] or headers["content-type"] or ""
  if not ct:find("json", 1, true) then return end
  seen = seen + 1
  posts = seen
  if status < 200 or status > 299 then
    non2xx = (non2xx or 0) + 1
    if not first_bad then first_bad = status .. " " .. string.sub(b or "", 1, 200) end
  end
  if seen >= #mine and not stopped then
    stopped = true
    wrk.thread:stop()
    end_run()
  end
end

local function esc(s)
  return (tostring(s):gsub('\\', '\\\\'):gsub('"', '\\"'):gsub('[%c]', ' '))
end

function done(summary, latency, requests)
  local non, bad, writes = 0, "", 0
  for _, t in ipairs(threads) do
    non = non + (t:get("non2xx") or 0)
    writes = writes + (t:get("posts") or 0)
    local fb = t:get("first_bad")
    if fb and bad == "" then bad = fb end
  end
  local e = summary.errors
  local dur = summary.duration / 1e6
  io.write(string.format(
    'RESULT {"label":"%s","requests":%d,"duration_s":%.3f,"rps":%.3f,' ..
    '"lat_ms":{"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f,"mean":%.2f},' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"non2xx":%d,"first_bad":"%s"}\n',
    esc(os.getenv("LOAD_LABEL") or ""), writes, dur, writes / dur,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    e.connect, e.read, e.write, e.status, e.timeout, non, esc(bad)))
end
