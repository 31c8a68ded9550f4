-- Runs perf/pktgen/*.lua against the strict pktgen 23.06 mock (pktgen_mock.lua) and checks
-- what they configure: the group range, frame size, rate and hop limit the README promises,
-- the order pktgen needs (range type before addresses and sizes), the per-second output and
-- the sweep's CSV. Then shows the mock rejects what pktgen would (bad calls, mutated scripts).
--
--   lua5.3 tests/pktgen/test_pktgen_scripts.lua REPO_ROOT
local root = assert(arg[1], "usage: test_pktgen_scripts.lua REPO_ROOT")
package.path = root .. "/tests/pktgen/?.lua;" .. package.path
local mock = require("pktgen_mock")

local GROUPS = root .. "/perf/pktgen/mcast_groups.lua"
local SWEEP = root .. "/perf/pktgen/mcast_sweep.lua"
local README = root .. "/perf/pktgen/README.md"

local failed, passed = 0, 0
local function check(cond, fmt, ...)
  if cond then
    passed = passed + 1
  else
    failed = failed + 1
    io.write("FAIL: ", string.format(fmt, ...), "\n")
  end
  return cond
end

local function read(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

-- Rate stats with odd values so per-second averages are not whole numbers; every port but
-- 0 receives what port 0 sends (each a downstream port, no loss).
local function stats(p, kind, m)
  local tx = m.ports[0]
  local sending = tx.sending and tx.range_on
  local pps = sending and (1000001 + (m.clock_ms // 1000) % 3) or 0
  if kind == "port" then pps = tx.starts * 30000003 end
  if p.pid == 0 then return {opackets = pps, obytes = pps * tx.single.size} end
  return {ipackets = pps, ibytes = pps * tx.single.size}
end

local function run(path, globals, opts)
  opts = opts or {}
  opts.stats = opts.stats or stats
  local m = mock.new(opts)
  local ok, err = pcall(m.run, path, globals)
  return m, ok, err
end

local function count_lines(m, pattern)
  local n = 0
  for _, l in ipairs(m.lines()) do if l:match(pattern) then n = n + 1 end end
  return n
end

-- The README's settings table: | `name` | `value` | ... |
local function readme_defaults()
  local d = {}
  for name, value in read(README):gmatch("\n%s*| `([%w_]+)` | `([^`]*)` |") do d[name] = value end
  return d
end

local function call_index(m, name, pred)
  for i, c in ipairs(m.calls) do
    if c.name == name and (not pred or pred(c.args)) then return i end
  end
  return nil
end

------------------------------------------------------------------------------------------
print("# mcast_groups.lua with its defaults")
do
  local m, ok, err = run(GROUPS)
  check(ok, "mcast_groups.lua failed: %s", tostring(err))
  if ok then
    local p, r = m.ports[0], m.ports[0].range
    check(#m.warnings == 0, "warnings: %s", table.concat(m.warnings, "; "))
    check(r.type == "ipv6" and r.proto == "udp", "range packet is %s/%s, want ipv6/udp",
          r.type, r.proto)
    check(p.single.type == "ipv6", "single packet type %s", p.single.type)
    local n = r.dst_ip.min and r.dst_ip.max and mock.ipv6_diff(r.dst_ip.min, r.dst_ip.max)
    check(n and n + 1 == 1000, "group range %s..%s is %s groups, want 1000",
          tostring(r.dst_ip.min), tostring(r.dst_ip.max), tostring(n and n + 1))
    check(r.dst_ip.start == r.dst_ip.min, "dst start %s differs from min %s",
          tostring(r.dst_ip.start), tostring(r.dst_ip.min))
    check(mock.ipv6_diff("::", r.dst_ip.inc or "::") == 1, "group increment %s, want ::1",
          tostring(r.dst_ip.inc))
    check(r.src_ip.start == r.src_ip.min and r.src_ip.min == r.src_ip.max
          and mock.ipv6_diff("::", r.src_ip.inc or "::1") == 0, "source is not fixed")
    for _, k in ipairs({"start", "min", "max"}) do
      check(r.pkt_size[k] == 78, "range pkt_size %s = %s, want 78", k, tostring(r.pkt_size[k]))
      check(r.ttl[k] == 64, "hop limit %s = %s, want 64", k, tostring(r.ttl[k]))
    end
    check(r.pkt_size.inc == 0 and r.ttl.inc == 0, "size/hop limit increments not 0")
    check(r.src_port.inc == 0 and r.dst_port.inc == 0, "UDP port increments not 0")
    check(p.single.size == 78 and p.single.rate == 100, "single size %s rate %s, want 78/100",
          tostring(p.single.size), tostring(p.single.rate))
    check(p.range_on and not p.sending and p.starts == 1,
          "range %s sending %s starts %d", tostring(p.range_on), tostring(p.sending), p.starts)
    local set_type = call_index(m, "range.set_type")
    for _, f in ipairs({"range.dst_ip", "range.src_ip", "range.pkt_size"}) do
      local i = call_index(m, f)
      check(set_type and i and set_type < i, "%s before range.set_type", f)
    end
    check(call_index(m, "set_range") < call_index(m, "start"), "start before set_range on")
    check(count_lines(m, "^t=%s*%d+s tx port 0: +%d+ pps +rx port 1: +%d+ pps +rx/tx 1%.000$")
          == 30, "want 30 per-second lines")
    check(count_lines(m, "^mcast_groups: sent 30000003, received on port 1: 30000003, " ..
                         "rx/tx 1%.000$") == 1, "missing the totals line")
    -- Seconds 2-30 sample 1000001 + t % 3 for t = 1..29: 10 x 1000002, 10 x 1000003, 9 x
    -- 1000001 -> 1000002.03 on average.
    check(count_lines(m, "^mcast_groups: mean of seconds 2%-30: tx 1000002 pps, " ..
                         "rx port 1 1000002 pps, rx/tx 1%.000$") == 1, "missing the means line")
    check(m.clock_ms == 30 * 1000 + 500, "delays add up to %d ms", m.clock_ms)

    -- Every default the README lists is what the script sets.
    local d = readme_defaults()
    for _, k in ipairs({"tx_port", "rx_ports", "group_min", "group_max", "source", "src_mac",
                        "dst_mac", "size", "rate", "seconds", "hop_limit", "joins_rate",
                        "joins_ms"}) do
      check(d[k] ~= nil, "README settings table lacks `%s`", k)
    end
    local want = {
      tx_port = function(v) return m.starts[1].pid == tonumber(v) end,
      rx_ports = function(v) return count_lines(m, "rx port " .. v .. ":") == 30 end,
      group_min = function(v) return r.dst_ip.min == v end,
      group_max = function(v) return r.dst_ip.max == v end,
      source = function(v) return r.src_ip.start == v end,
      src_mac = function(v) return r.src_mac.start == v end,
      dst_mac = function(v) return r.dst_mac.start == v end,
      size = function(v) return r.pkt_size.start == tonumber(v) end,
      rate = function(v) return p.single.rate == tonumber(v) end,
      seconds = function(v) return count_lines(m, "^t=") == tonumber(v) end,
      hop_limit = function(v) return r.ttl.start == tonumber(v) end,
    }
    for k, f in pairs(want) do
      if d[k] then check(f(d[k]), "README says %s = %s, the script does otherwise", k, d[k]) end
    end
  end
end

------------------------------------------------------------------------------------------
print("# mcast_groups.lua with globals: 1,000,000 groups, 1518 B, 12.5 %, joins on port 1")
do
  local d = readme_defaults()
  local m, ok, err = run(GROUPS, {group_max = "ff05::10:423f", size = 1518, rate = 12.5,
                                  seconds = 2, hop_limit = 2, joins_port = 1},
                         {pcap_ports = {[1] = true}})
  check(ok, "failed: %s", tostring(err))
  if ok then
    local p, r = m.ports[0], m.ports[0].range
    check(#m.warnings == 0, "warnings: %s", table.concat(m.warnings, "; "))
    check(mock.ipv6_diff(r.dst_ip.min, r.dst_ip.max) + 1 == 1000000, "not 1,000,000 groups")
    check(r.pkt_size.start == 1518 and p.single.size == 1518, "size not 1518")
    check(p.single.rate == 12.5, "rate %s, want 12.5", tostring(p.single.rate))
    check(r.ttl.start == 2, "hop limit %s", tostring(r.ttl.start))
    local j, js = m.ports[1], m.starts[1]
    check(not j.sending and j.starts == 1, "joins port: sending %s starts %d",
          tostring(j.sending), j.starts)
    check(js.pid == 1 and js.pace_rate == tonumber(d.joins_rate or "x") and
          js.burst == js.pace_burst, "joins paced at %s%% (burst %s/%s), want %s",
          tostring(js.pace_rate), tostring(js.burst), tostring(js.pace_burst),
          tostring(d.joins_rate))
    check(m.starts[2].pid == 0 and m.starts[2].rate == 12.5 and
          m.starts[2].t_ms - js.t_ms == tonumber(d.joins_ms or "x"),
          "data does not follow joins_ms after the joins at its own rate")
    check(count_lines(m, "^t=") == 2, "want 2 per-second lines")
  end
end

------------------------------------------------------------------------------------------
print("# mcast_groups.lua, fan-out 2: rx_ports and joins_port \"1-2\"")
do
  local m, ok, err = run(GROUPS, {rx_ports = "1-2", joins_port = "1-2", seconds = 3},
                         {nb_ports = 3, pcap_ports = {[1] = true, [2] = true}})
  check(ok, "failed: %s", tostring(err))
  if ok then
    check(#m.warnings == 0, "warnings: %s", table.concat(m.warnings, "; "))
    check(m.ports[1].starts == 1 and m.ports[2].starts == 1, "joins not sent on both ports")
    check(count_lines(m, "^t=%s*%d+s tx port 0: +%d+ pps +rx port 1: +%d+ pps +rx port 2: +" ..
                         "%d+ pps +rx/tx 2%.000$") == 3, "want 3 lines with both ports")
    check(count_lines(m, "^mcast_groups: sent 30000003, received on port 1: 30000003, " ..
                         "received on port 2: 30000003, rx/tx 2%.000$") == 1, "totals line")
    check(count_lines(m, "^mcast_groups: mean of seconds 2%-3: .* rx port 2 %d+ pps, " ..
                         "rx/tx 2%.000$") == 1, "means line")
  end
  local _, bad_ok = run(GROUPS, {rx_ports = "1..2"}, {nb_ports = 3})
  check(not bad_ok, "rx_ports '1..2' accepted")
end

------------------------------------------------------------------------------------------
print("# mcast_sweep.lua")
do
  local m, ok, err = run(SWEEP)
  check(ok, "mcast_sweep.lua failed: %s", tostring(err))
  if ok then
    check(#m.warnings == 0, "warnings: %s", table.concat(m.warnings, "; "))
    local sizes, rates = {78, 128, 256, 512, 1024, 1280, 1518}, {10, 25, 50, 100}
    local lines = m.lines()
    local csv = {}
    for _, l in ipairs(lines) do if l:match("^%d") then csv[#csv + 1] = l end end
    check(count_lines(m, "^size_fcs,rate_pct,tx_pps,rx_pps_p1,rx_over_tx$") == 1, "CSV header")
    check(#csv == #sizes * #rates, "%d CSV rows, want %d", #csv, #sizes * #rates)
    local starts = {}
    for _, s in ipairs(m.starts) do if s.pid == 0 then starts[#starts + 1] = s end end
    check(#starts == #sizes * #rates, "%d starts, want %d", #starts, #sizes * #rates)
    local i = 0
    for _, sz in ipairs(sizes) do
      for _, rt in ipairs(rates) do
        i = i + 1
        local s, row = starts[i], csv[i]
        if s and row then
          check(s.range_on and s.size == sz and s.range_size == sz and s.rate == rt,
                "run %d: range %s size %s/%s rate %s, want %d/%d", i, tostring(s.range_on),
                tostring(s.size), tostring(s.range_size), tostring(s.rate), sz, rt)
          local a, b, tx, rx, ratio = row:match("^(%d+),(%d+),(%d+),(%d+),([%d.]+)$")
          check(tonumber(a) == sz and tonumber(b) == rt and tonumber(tx) > 0 and
                tonumber(rx) == tonumber(tx) and ratio == "1.000", "bad CSV row '%s'", row)
        end
      end
    end
  end
end

------------------------------------------------------------------------------------------
print("# the mock rejects what pktgen 23.06 would")
do
  local bad = {
    {'pktgen.set("0", "rte", 10)', "does not support rte"},
    {'pktgen.set("0", "rate", 0)', "rate"},
    {'pktgen.set("0", "rate", 150)', "rate"},
    {'pktgen.set("0", "rate")', "wrong number of arguments"},
    {'pktgen.set("0..1", "rate", 10)', "invalid portlist"},
    {'pktgen.set("ALL", "rate", 10)', "invalid portlist"},
    {'pktgen.set("7", "rate", 10)', "does not exist"},
    {'pktgen.set("0", "burst", 256)', "burst"},
    {'pktgen.set("0", "size", 1519)', "size"},
    {'pktgen.set_type("0", "ipv6"); pktgen.set("0", "size", 64)', "size"},
    {'pktgen.set_type("0", "ip6v")', "type"},
    {'pktgen.set_proto("0", "UDP")', "proto"},
    {'pktgen.range.dst_ip("0", "start", "ff05::1")', "set_type"},
    {'pktgen.range.set_type("0", "ipv6"); pktgen.range.dst_ip("0", "start", "10.0.0.1")',
     "IPv4 address"},
    {'pktgen.range.set_type("0", "ipv6"); pktgen.range.dst_ip("0", "begin", "ff05::1")',
     "start|min|max|inc"},
    {'pktgen.range.set_type("0", "ipv6"); pktgen.range.dst_ip("0", "inc", "::1/128")',
     "invalid address"},
    {'pktgen.range.set_type("0", "ipv6"); pktgen.range.dst_ip("0", "max", "ff05:::1")',
     "invalid address"},
    {'pktgen.range.set_type("0", "ipv6"); pktgen.range.pkt_size("0", "start", 70)', "pkt_size"},
    {'pktgen.range.pkt_size("0", "start", 60)', "pkt_size"},
    {'pktgen.range.hop_limits("0", "start", 256)', "hop_limits"},
    {'pktgen.range.src_port("0", "inc", 100)', "inc"},
    {'pktgen.range.dst_mac("0", "start", "33:33:00:01:00")', "MAC"},
    {'pktgen.range.ip_proto("0", "udp", "x")', "wrong number of arguments"},
    {'pktgen.set_range("0", "yes")', "on|off"},
    {'pktgen.start("0"); pktgen.set_range("0", "on")', "sending"},
    {'pktgen.portStats("all", "rates")', "'port' or 'rate'"},
    {'pktgen.portStats("all")', "wrong number of arguments"},
    {'pktgen.delay(1.5)', "integer"},
    {'pktgen.delay()', "wrong number of arguments"},
    {'pktgen.screen("of")', "on|off"},
    {'pktgen.range.ttl("0", "start")', "wrong number of arguments"},
    {'pktgen.dst_ip("0", "start", "10.0.0.1")', "does not exist"},
    {'pktgen.range.hop_limit("0", "start", 64)', "does not exist"},
    {'pktgen.range.set_range("0", "on")', "does not exist"},
  }
  for _, b in ipairs(bad) do
    local m = mock.new()
    local chunk = assert(load(b[1], "=bad", "t", setmetatable({pktgen = m.pktgen}, {__index = _G})))
    local ok, err = pcall(chunk)
    check(not ok and tostring(err):find(b[2], 1, true),
          "%s: want an error with '%s', got %s", b[1], b[2], ok and "success" or tostring(err))
  end
  local good = {
    'pktgen.set("all", "rate", "12.5")', 'pktgen.set(0, "size", 64)',
    'pktgen.set("0-1", "txburst", 128)', 'pktgen.set("0,1", "count", 0)',
    'pktgen.range.set_type("0-1", "ipv6"); pktgen.range.dst_ip("all", "max", "ff05::10:423f")',
    'pktgen.range.src_ip("0", "inc", "0.0.0.1")', 'pktgen.screen("OFF"); pktgen.clr()',
    'local t = pktgen.portStats("0", "rate"); assert(t.n == 1 and t[0].pkts_tx == 0)',
  }
  for _, g in ipairs(good) do
    local m = mock.new()
    local chunk = assert(load(g, "=good", "t", setmetatable({pktgen = m.pktgen}, {__index = _G})))
    local ok, err = pcall(chunk)
    check(ok, "%s: want success, got %s", g, tostring(err))
  end
  check(mock.parse_ipv6("::ffff:10.0.0.1") and mock.parse_ipv6("1:2:3:4:5:6:7:8") and
        not mock.parse_ipv6("1:2:3:4:5:6:7:8:9") and not mock.parse_ipv6("1::2::3") and
        not mock.parse_ipv6("12345::") and not mock.parse_ipv6(":1::"),
        "IPv6 parser")
end

------------------------------------------------------------------------------------------
print("# mutated scripts fail")
do
  local src = read(GROUPS)
  local tmp = os.tmpname()
  local mutations = {
    {'"rate", cfg.rate', '"rte", cfg.rate'},
    {'pktgen.range.set_type(p, "ipv6")', '-- (no range type)'},
    {'"::1")', '"::1/128")'},
    {'pktgen.range.hop_limits(p, "start"', 'pktgen.range.hop_limit(p, "start"'},
    {'size or 78', 'size or 70'},
    {'"all", "rate"', '"all", "rates"'},
    {'pktgen.set(p, "size", cfg.size)', '-- (single size left)', {size = 1518}},
    {'pktgen.set_range(p, "on")', 'pktgen.set_range(p, "yes")'},
    -- joins left running beside the data: pktgen 23.06 would pace the two together
    {'pktgen.stop(cfg.joins_port)', '-- (joins left on)', {joins_port = 1},
     {pcap_ports = {[1] = true}}},
  }
  for _, mu in ipairs(mutations) do
    local from, to, globals, opts = mu[1], mu[2], mu[3], mu[4]
    local s, e = src:find(from, 1, true)
    if check(s, "mutation source text not found: %s", from) then
      local f = assert(io.open(tmp, "w"))
      f:write(src:sub(1, s - 1) .. to .. src:sub(e + 1))
      f:close()
      local m, ok = run(tmp, globals, opts)
      local caught = not ok or #m.warnings > 0 or
                     m.ports[0].range.pkt_size.start ~= m.ports[0].single.size or
                     not m.ports[0].range_on
      check(caught, "mutation '%s' -> '%s' went unnoticed", from, to)
    end
  end
  os.remove(tmp)
end

print(string.format("pktgen_lua_api: %d checks passed, %d failed", passed, failed))
os.exit(failed == 0 and 0 or 1)
