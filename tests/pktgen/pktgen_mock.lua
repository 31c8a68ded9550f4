-- A stand-in for pktgen-dpdk 23.06's `pktgen` Lua module, strict about every call.
--
-- The rules below were read from pktgen's Lua binding (app/lpktgenlib.c of the 23.06.x
-- line) and the functions it calls (app/pktgen-cmds.c, app/pktgen-range.c,
-- app/pktgen-constants.h, lib/utils/portlist.c, lib/utils/_atoip.c); perf/pktgen/README.md
-- names the revisions. A call fails here when pktgen would raise a Lua error, and also when
-- pktgen would accept it but do nothing useful with it (a keyword it does not know, an
-- address of the wrong family, a value it silently clamps). Calls that pktgen takes but
-- that give a different result than asked (a rate computed for another size) are collected
-- in `warnings`.
--
-- Usage: local mock = require("pktgen_mock"); local m = mock.new{nb_ports = 2}
--        m.run("perf/pktgen/mcast_groups.lua", {size = 1518})   -- globals for the script
--        m.ports[0].range.pkt_size.start, m.calls, m.output, m.warnings
local M = {}

local MIN_PKT, MAX_PKT, MIN_V6_PKT = 64, 1518, 78 -- bytes with FCS (eth_min/max_pkt, IPv6)
local MAX_TX_BURST, MAX_RX_BURST = 128, 128
local SMMI = {start = "start", min = "min", minimum = "min", max = "max", maximum = "max",
              inc = "inc", increment = "inc"}

local Fail = {}
local function fail(fmt, ...) error(setmetatable({msg = string.format(fmt, ...)}, Fail), 0) end

-- Address parsing (what _atoip and pg_ether_aton accept) -----------------------------------

function M.parse_ipv4(s)
  local o = {s:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")}
  if #o ~= 4 then return nil end
  for i = 1, 4 do
    o[i] = tonumber(o[i])
    if o[i] > 255 then return nil end
  end
  return o
end

local function hextets(part)
  local out = {}
  if part == "" then return out end
  for g in (part .. ":"):gmatch("(.-):") do
    if not g:match("^%x%x?%x?%x?$") then return nil end
    out[#out + 1] = tonumber(g, 16)
  end
  return out
end

-- Returns the 16 bytes of an IPv6 address, or nil (inet_pton rules: 1-4 hex digits a group,
-- at most one "::", an optional trailing dotted quad).
function M.parse_ipv6(s)
  if type(s) ~= "string" or s:find("[^%x:%.]") or s:find(":::") then return nil end
  local tail4
  local v4 = s:match(":(%d+%.%d+%.%d+%.%d+)$")
  if v4 then
    tail4 = M.parse_ipv4(v4)
    if not tail4 then return nil end
    s = s:sub(1, #s - #v4) .. "0:0"
  end
  local head, tail = s:match("^(.-)::(.*)$")
  local groups
  if head then
    if tail:find("::", 1, true) then return nil end
    local h, t = hextets(head), hextets(tail)
    if not h or not t or #h + #t > 7 then return nil end
    groups = h
    for _ = 1, 8 - #h - #t do groups[#groups + 1] = 0 end
    for _, g in ipairs(t) do groups[#groups + 1] = g end
  else
    groups = hextets(s)
    if not groups or #groups ~= 8 then return nil end
  end
  local b = {}
  for i, g in ipairs(groups) do b[2 * i - 1], b[2 * i] = g >> 8, g & 0xff end
  if tail4 then b[13], b[14], b[15], b[16] = tail4[1], tail4[2], tail4[3], tail4[4] end
  return b
end

-- b - a for two addresses that share their upper 64 bits (nil otherwise).
function M.ipv6_diff(a, b)
  local x, y = M.parse_ipv6(a), M.parse_ipv6(b)
  for i = 1, 8 do if x[i] ~= y[i] then return nil end end
  local d = 0
  for i = 9, 16 do d = d * 256 + (y[i] - x[i]) end
  return d
end

local function parse_mac(s)
  if type(s) ~= "string" then return nil end
  local six = {s:match("^(%x%x?):(%x%x?):(%x%x?):(%x%x?):(%x%x?):(%x%x?)$")}
  if #six == 6 then return s end
  local three = {s:match("^(%x%x?%x?%x?):(%x%x?%x?%x?):(%x%x?%x?%x?)$")}
  if #three == 3 then return s end
  return nil
end

-- Argument conversions (luaL_check*) -------------------------------------------------------

local function checkstring(v, what)
  if type(v) == "number" then return tostring(v) end
  if type(v) ~= "string" then fail("%s: string expected, got %s", what, type(v)) end
  return v
end

local function checknumber(v, what)
  local n = tonumber(v)
  if type(v) ~= "number" and type(v) ~= "string" or n == nil then
    fail("%s: number expected, got %s", what, tostring(v))
  end
  return n
end

local function checkinteger(v, what)
  local n = math.tointeger(checknumber(v, what))
  if n == nil then fail("%s: number has no integer representation (%s)", what, tostring(v)) end
  return n
end

local function in_range(n, lo, hi, what)
  if n < lo or n > hi then fail("%s %s outside %s..%s (pktgen clamps or truncates it)",
                                what, tostring(n), tostring(lo), tostring(hi)) end
  return n
end

-- "on"/"enable"/"start" enable; pktgen reads anything else as off, typos included.
local function onoff(v, what)
  local s = checkstring(v, what):lower()
  if s == "on" or s == "enable" then return true end
  if s == "off" or s == "disable" then return false end
  fail("%s: state must be on|off|enable|disable, got '%s' (pktgen would read it as off)",
       what, s)
end

local function smmi(v, what)
  local k = SMMI[checkstring(v, what)]
  if not k then
    fail("%s: '%s' is not start|min|max|inc (pktgen ignores the call)", what, tostring(v))
  end
  return k
end

-- The mock ---------------------------------------------------------------------------------

function M.new(opts)
  opts = opts or {}
  local m = {nb_ports = opts.nb_ports or 2, calls = {}, output = {}, warnings = {},
             starts = {}, clock_ms = 0, stats = opts.stats}
  m.ports = {}
  for pid = 0, m.nb_ports - 1 do
    m.ports[pid] = {
      pid = pid, sending = false, range_on = false, starts = 0,
      pcap = opts.pcap_ports and opts.pcap_ports[pid] or false,
      single = {type = "ipv4", proto = "tcp", size = MIN_PKT, rate = 100, count = 0,
                burst = 64, rxburst = 64, sport = 1234, dport = 5678, ttl = 64},
      range = {type = "ipv4", proto = "tcp", dst_ip = {}, src_ip = {}, dst_mac = {},
               src_mac = {}, src_port = {}, dst_port = {}, ttl = {}, pkt_size = {},
               vlan_id = {}, cos = {}, tos = {}, traffic_class = {}},
    }
  end

  local function warn(fmt, ...) m.warnings[#m.warnings + 1] = string.format(fmt, ...) end

  -- portlist_parse: "all", or N / N-M items joined by commas, N <= M < 64.
  local function portlist(v)
    if type(v) == "number" then
      if not math.tointeger(v) then fail("portlist %s is not a port number", tostring(v)) end
      v = tostring(math.tointeger(v))
    end
    if type(v) ~= "string" then fail("portlist: string or number expected, got %s", type(v)) end
    local pids = {}
    if v == "all" then
      for pid = 0, m.nb_ports - 1 do pids[#pids + 1] = pid end
      return pids
    end
    for item in (v .. ","):gmatch("(.-),") do
      local a, b = item:match("^(%d+)%-(%d+)$")
      if not a then a = item:match("^(%d+)$"); b = a end
      if not a then fail("invalid portlist '%s' (use N, N-M, N,M or all)", v) end
      a, b = tonumber(a), tonumber(b)
      if a > b or b >= 64 then fail("invalid portlist '%s'", v) end
      for pid = a, b do
        if pid >= m.nb_ports then
          fail("portlist '%s': port %d does not exist (%d ports); pktgen skips it silently",
               v, pid, m.nb_ports)
        end
        pids[#pids + 1] = pid
      end
    end
    return pids
  end

  local function each(v, f)
    for _, pid in ipairs(portlist(v)) do f(m.ports[pid]) end
  end

  local function def(tbl, prefix, name, arity, impl)
    tbl[name] = function(...)
      local n = select("#", ...)
      m.calls[#m.calls + 1] = {name = prefix .. name, args = table.pack(...)}
      if arity and not arity[n] then
        local want = {}
        for k in pairs(arity) do want[#want + 1] = tostring(k) end
        table.sort(want)
        error(string.format("pktgen: %s%s, wrong number of arguments (%d, takes %s)", prefix,
                            name, n, table.concat(want, " or ")), 2)
      end
      local res = table.pack(pcall(impl or function() end, ...))
      if not res[1] then
        local e = res[2]
        if getmetatable(e) == Fail then e = e.msg end
        error(string.format("pktgen: %s%s: %s", prefix, name, tostring(e)), 2)
      end
      return table.unpack(res, 2, res.n)
    end
  end

  local function A(...)
    local t = {}
    for _, k in ipairs({...}) do t[k] = true end
    return t
  end

  local pk = {}
  local range = {}

  -- set <portlist> <field> <value> (pktgen_set)
  def(pk, "", "set", A(3), function(pl, what, value)
    what = checkstring(what, "field")
    local v = checknumber(value, what)
    local key = what:lower()
    local int = function(lo, hi) return in_range(checkinteger(value, what), lo, hi, what) end
    local rules = {
      count = function(s) s.count = int(0, 0xffffffff) end,
      size = function(s)
        s.size = int(s.type == "ipv6" and MIN_V6_PKT or MIN_PKT, MAX_PKT)
      end,
      rate = function(s)
        if v <= 0 or v > 100 then
          fail("rate %s%% outside (0, 100] (pktgen clamps it)", tostring(value))
        end
        s.rate = v
      end,
      burst = function(s) s.burst = int(1, MAX_TX_BURST) end,
      txburst = function(s) s.burst = int(1, MAX_TX_BURST) end,
      rxburst = function(s) s.rxburst = int(1, MAX_RX_BURST) end,
      cycles = function(s) s.cycles = int(0, 0xffffffff) end,
      sport = function(s) s.sport = int(0, 65535) end,
      dport = function(s) s.dport = int(0, 65535) end,
      ttl = function(s) s.ttl = int(0, 255) end,
      seq_cnt = function(s) s.seq_cnt = int(0, 16) end,
      seqcnt = function(s) s.seq_cnt = int(0, 16) end,
      prime = function(s) s.prime = int(0, 4) end,
      dump = function(s) s.dump = int(0, 0xffffffff) end,
    }
    local f = rules[key]
    if not f then fail("set does not support %s", what) end
    each(pl, function(p) f(p.single) end)
  end)

  -- single_set_pkt_type / range_set_pkt_type read only a character or two of the word.
  local function pkt_type(v)
    local t = checkstring(v, "type")
    if t ~= "ipv4" and t ~= "ipv6" and t ~= "arp" then
      fail("type must be ipv4|ipv6|arp, got '%s'", t)
    end
    return t
  end

  -- single_set_proto / range_set_proto: the first letter picks udp, icmp or (else) tcp.
  local function proto_setter(which)
    return function(pl, v)
      local t = checkstring(v, "proto")
      if t ~= "udp" and t ~= "tcp" and t ~= "icmp" then
        fail("proto must be udp|tcp|icmp, got '%s' (pktgen reads other words as tcp)", t)
      end
      each(pl, function(p)
        p[which].proto = t
        if t == "icmp" then p[which].type = "ipv4" end -- ICMP is IPv4 only
      end)
    end
  end

  def(pk, "", "set_type", A(2), function(pl, v)
    local t = pkt_type(v)
    each(pl, function(p)
      local s = p.single
      if s.type ~= "ipv6" and t == "ipv6" and s.size < MIN_V6_PKT then
        s.size = MIN_V6_PKT + (s.size - MIN_PKT)
      end
      s.type = t
    end)
  end)

  def(pk, "", "set_proto", A(2), proto_setter("single"))

  def(pk, "", "set_mac", A(3), function(pl, which, mac)
    which = checkstring(which, "which")
    if which ~= "src" and which ~= "dst" then fail("set_mac takes src|dst, got '%s'", which) end
    if not parse_mac(checkstring(mac, "mac")) then fail("invalid MAC string '%s'", mac) end
    each(pl, function(p) p.single[which .. "_mac"] = mac end)
  end)

  def(pk, "", "set_ipaddr", A(3), function(pl, which, addr)
    which = checkstring(which, "which")
    if which ~= "src" and which ~= "dst" then fail("set_ipaddr takes src|dst, got '%s'", which) end
    addr = checkstring(addr, "address")
    local a = addr:gsub("/%d+$", "")
    if not (M.parse_ipv4(a) or M.parse_ipv6(a)) then fail("invalid address '%s'", addr) end
    each(pl, function(p) p.single[which .. "_ip"] = addr end)
  end)

  -- pktgen 23.06 paces every port of a TX lcore by the lcore's first port and keeps one
  -- next-send time for all TX lcores (pktgen_main_rxtx_loop), so pcap (joins) ports and data
  -- ports sending at once disturb each other's rate. The layout the scripts assume: one TX
  -- lcore, port 0 first; a start records port 0's rate and burst as the pace.
  local function start_port(p)
    for _, q in pairs(m.ports) do
      if q ~= p and q.sending and (q.pcap ~= false) ~= (p.pcap ~= false) then
        warn("port %d starts while port %d sends: pktgen 23.06 paces them together", p.pid,
             q.pid)
      end
    end
    p.sending = true
    p.starts = p.starts + 1
    local snap = {pid = p.pid, t_ms = m.clock_ms, range_on = p.range_on, pcap = p.pcap,
                  size = p.single.size, rate = p.single.rate, burst = p.single.burst,
                  range_size = p.range.pkt_size.start, pace_rate = m.ports[0].single.rate,
                  pace_burst = m.ports[0].single.burst}
    m.starts[#m.starts + 1] = snap
    if p.range_on and not p.pcap then
      local r = p.range
      for _, k in ipairs({"start", "min", "max"}) do
        if r.pkt_size[k] and r.pkt_size[k] ~= p.single.size then
          warn("port %d: range pkt_size %s %d but single size %d: pktgen paces range mode by " ..
               "the single packet's size, so the rate is not %s%%", p.pid, k, r.pkt_size[k],
               p.single.size, tostring(p.single.rate))
        end
      end
      if r.type == "ipv6" and not r.dst_ip.start then
        warn("port %d: IPv6 range packet without a destination address", p.pid)
      end
    end
  end

  def(pk, "", "start", A(1), function(pl) each(pl, start_port) end)
  def(pk, "", "stop", A(1), function(pl) each(pl, function(p) p.sending = false end) end)
  def(pk, "", "prime", A(1), function(pl) each(pl, function() end) end)
  def(pk, "", "clear", A(1), function(pl) each(pl, function() end) end)
  def(pk, "", "clr", nil) -- pktgen ignores any arguments
  def(pk, "", "screen", A(1), function(s) m.screen = onoff(s, "screen") end)
  def(pk, "", "page", A(1), function(s)
    s = checkstring(s, "page")
    local pages = A("main", "range", "config", "cfg", "pcap", "cpu", "next", "sequence", "seq",
                    "random", "rnd", "log", "latency", "lat", "stats", "xstats", "rate",
                    "rate-pacing")
    if not pages[s] and not s:match("^%d+$") then fail("unknown page '%s'", s) end
  end)
  def(pk, "", "delay", A(1), function(ms)
    ms = checkinteger(ms, "milliseconds")
    if ms < 0 then fail("negative delay %d", ms) end
    m.clock_ms = m.clock_ms + ms
  end)
  def(pk, "", "sleep", A(1), function(s)
    m.clock_ms = m.clock_ms + 1000 * checkinteger(s, "seconds")
  end)
  def(pk, "", "pause", A(2), function(msg, ms)
    m.output[#m.output + 1] = checkstring(msg, "message")
    m.clock_ms = m.clock_ms + checkinteger(ms, "milliseconds")
  end)

  def(pk, "", "set_range", A(2), function(pl, state)
    local on = onoff(state, "range")
    each(pl, function(p)
      if on and p.sending then
        fail("port %d is sending: pktgen logs 'Cannot enable the range settings while " ..
             "sending packets!' and leaves range mode off", p.pid)
      end
      p.range_on = on
    end)
  end)

  def(pk, "", "pcap", A(2), function(pl, state)
    local on = onoff(state, "pcap")
    each(pl, function(p) if p.pcap ~= false then p.pcap = on end end)
  end)

  -- portStats(<portlist>, "port"|"rate"): {[pid] = {...}, n = count}
  def(pk, "", "portStats", A(2), function(pl, kind)
    kind = checkstring(kind, "type")
    if kind ~= "port" and kind ~= "rate" then
      fail("type must be 'port' or 'rate', got '%s' (pktgen returns zeros)", kind)
    end
    local t, n = {}, 0
    each(pl, function(p)
      local s = m.stats and m.stats(p, kind, m) or {}
      local e = {ipackets = s.ipackets or 0, opackets = s.opackets or 0,
                 ibytes = s.ibytes or 0, obytes = s.obytes or 0, ierrors = 0, oerrors = 0,
                 rx_nombuf = 0, imissed = 0}
      if kind == "rate" then
        e.pkts_rx, e.pkts_tx = e.ipackets, e.opackets
        e.mbits_rx, e.mbits_tx = e.ibytes * 8 // 1000000, e.obytes * 8 // 1000000
      end
      t[p.pid] = e
      n = n + 1
    end)
    t.n = n
    return t
  end)

  local function per_port_table(pl, f)
    local t, n = {}, 0
    each(pl, function(p) t[p.pid] = f(p); n = n + 1 end)
    t.n = n
    return t
  end
  def(pk, "", "isSending", A(1), function(pl)
    return per_port_table(pl, function(p) return p.sending and "y" or "n" end)
  end)
  def(pk, "", "linkState", A(1), function(pl)
    return per_port_table(pl, function() return "<UP-10000-FD>" end)
  end)
  for _, name in ipairs({"pktStats", "portSizes", "portInfo"}) do
    def(pk, "", name, A(1), function(pl) return per_port_table(pl, function() return {} end) end)
  end

  -- The rest of the 23.06 table, checked for arity (and portlist where it has one).
  local pl1 = function(pl) portlist(pl) end
  local others = {
    {"quit", nil}, {"mac_from_arp", A(1)}, {"ping4", A(1), pl1}, {"icmp_echo", A(2), pl1},
    {"send_arp", A(2), pl1}, {"seq", A(12, 13)}, {"seqTable", A(3)}, {"load", A(1)},
    {"save", A(1)}, {"cls", nil}, {"update", nil}, {"reset", A(1), pl1},
    {"port_restart", A(1), pl1}, {"portCount", nil}, {"totalPorts", nil},
    {"vlan", A(2), pl1}, {"vlanid", A(2), pl1}, {"cos", A(3), pl1}, {"tos", A(2), pl1},
    {"vxlan", A(2), pl1}, {"vxlan_id", A(4), pl1}, {"mpls", A(2), pl1}, {"qinq", A(2), pl1},
    {"gre", A(2), pl1}, {"gre_eth", A(2), pl1}, {"ports_per_page", A(1)}, {"port", A(1)},
    {"process", A(2), pl1}, {"capture", A(2), pl1}, {"bonding", A(2), pl1},
    {"blink", A(2), pl1}, {"help", nil}, {"Lua.help", nil}, {"run", A(3)},
    {"continue", A(1)}, {"input", A(1)}, {"pattern", A(2), pl1}, {"userPattern", A(2), pl1},
    {"latency", A(2, 3), pl1}, {"jitter", A(2), pl1}, {"gtpu_teid", A(3), pl1},
    {"rnd", A(4), pl1}, {"rnd_list", A(0, 1)}, {"rxtap", A(2), pl1}, {"txtap", A(2), pl1},
    {"latsampler_params", A(5), pl1}, {"latsampler", A(2), pl1},
  }
  for _, o in ipairs(others) do def(pk, "", o[1], o[2], o[3]) end

  -- range.* (pktgenlib_range) ---------------------------------------------------------------

  local function family_ok(p, addr, what)
    addr = checkstring(addr, what)
    local v6, v4 = M.parse_ipv6(addr), M.parse_ipv4(addr)
    if not v6 and not v4 then fail("%s: invalid address '%s'", what, addr) end
    if p.range.type == "ipv6" and not v6 then
      fail("%s: IPv4 address '%s' on an IPv6 range packet", what, addr)
    elseif p.range.type ~= "ipv6" and not v4 then
      fail("%s: IPv6 address '%s' while the range packet is %s: pktgen stores its first " ..
           "4 bytes as an IPv4 address (call range.set_type(pl, 'ipv6') first)", what, addr,
           p.range.type)
    end
    return addr
  end

  def(range, "range.", "set_type", A(2), function(pl, v)
    local t = pkt_type(v)
    each(pl, function(p)
      local r = p.range
      if t == "ipv6" then
        for _, k in ipairs({"start", "min", "max"}) do
          if r.pkt_size[k] and r.pkt_size[k] < MIN_V6_PKT then
            warn("port %d: range.set_type ipv6 raises pkt_size %s %d to %d", p.pid, k,
                 r.pkt_size[k], MIN_V6_PKT)
            r.pkt_size[k] = MIN_V6_PKT
          end
        end
      end
      if r.type ~= t and (next(r.dst_ip) or next(r.src_ip)) then
        warn("port %d: range type changed to %s after addresses were set", p.pid, t)
      end
      r.type = t
    end)
  end)

  def(range, "range.", "ip_proto", A(2), proto_setter("range"))

  for _, f in ipairs({"dst_ip", "src_ip"}) do
    def(range, "range.", f, A(3), function(pl, what, addr)
      local k = smmi(what, f)
      each(pl, function(p) p.range[f][k] = family_ok(p, addr, f) end)
    end)
  end

  for _, f in ipairs({"dst_mac", "src_mac"}) do
    def(range, "range.", f, A(3), function(pl, what, mac)
      local k = smmi(what, f)
      if not parse_mac(checkstring(mac, f)) then fail("invalid MAC string '%s'", mac) end
      each(pl, function(p) p.range[f][k] = mac end)
    end)
  end

  -- name, field, lo, hi, largest increment pktgen keeps
  local ints = {
    {"src_port", "src_port", 0, 65535, 64}, {"dst_port", "dst_port", 0, 65535, 64},
    {"ttl", "ttl", 0, 255, 255}, {"hop_limits", "ttl", 0, 255, 255},
    {"vlan_id", "vlan_id", 1, 4095, 64}, {"cos", "cos", 0, 7, 7}, {"tos", "tos", 0, 255, 255},
    {"traffic_class", "tos", 0, 255, 255},
  }
  for _, d in ipairs(ints) do
    local name, field, lo, hi, maxinc = table.unpack(d)
    def(range, "range.", name, A(3), function(pl, what, value)
      local k = smmi(what, name)
      local n = checkinteger(value, name)
      if k == "inc" then in_range(n, 0, maxinc, name .. " inc") else in_range(n, lo, hi, name) end
      each(pl, function(p) p.range[field][k] = n end)
    end)
  end

  def(range, "range.", "pkt_size", A(3), function(pl, what, value)
    local k = smmi(what, "pkt_size")
    local n = checkinteger(value, "pkt_size")
    each(pl, function(p)
      if k == "inc" then
        in_range(n, 0, MAX_PKT, "pkt_size inc")
      else
        local lo = p.range.type == "ipv6" and MIN_V6_PKT or MIN_PKT
        in_range(n, lo, MAX_PKT, "pkt_size (bytes with FCS, " .. p.range.type .. ")")
      end
      p.range.pkt_size[k] = n
    end)
  end)

  def(range, "range.", "mpls_entry", A(2), function(pl, v)
    portlist(pl); checkstring(v, "entry")
  end)
  def(range, "range.", "qinqids", A(3), function(pl, a, b)
    portlist(pl); checkinteger(a, "id1"); checkinteger(b, "id2")
  end)
  def(range, "range.", "gre_key", A(2), function(pl, v) portlist(pl); checkinteger(v, "key") end)

  local function strict(tbl, prefix)
    return setmetatable(tbl, {__index = function(_, k)
      error(string.format("pktgen: %s%s does not exist in pktgen 23.06's Lua binding", prefix,
                          tostring(k)), 2)
    end})
  end
  pk.range = strict(range, "range.")
  pk.info = {Pktgen_Version = "Pktgen 23.06.1 (mock)", minPktSize = MIN_PKT,
             maxPktSize = MAX_PKT, defaultPktBurst = 64, maxPktTxBurst = MAX_TX_BURST}
  m.pktgen = strict(pk, "")

  -- Runs a script as pktgen's -f would, with `pktgen` and the given globals; output captured.
  function m.run(path, globals)
    local env = setmetatable({}, {__index = _G})
    for k, v in pairs(globals or {}) do env[k] = v end
    env.pktgen = m.pktgen
    env.io = setmetatable({
      write = function(...)
        for _, s in ipairs({...}) do m.output[#m.output + 1] = tostring(s) end
        return env.io
      end,
      flush = function() end,
    }, {__index = io})
    env.print = function(...)
      local t = table.pack(...)
      for i = 1, t.n do t[i] = tostring(t[i]) end
      m.output[#m.output + 1] = table.concat(t, "\t") .. "\n"
    end
    env.dofile = function(p)
      local chunk, err = loadfile(p, "t", env)
      if not chunk then error(err, 2) end
      return chunk()
    end
    m.env = env
    return env.dofile(path)
  end

  -- The captured output split into lines.
  function m.lines()
    local text = table.concat(m.output)
    local out = {}
    for l in text:gmatch("([^\n]*)\n") do out[#out + 1] = l end
    return out
  end

  return m
end

return M
