-- IPv6 multicast load for tandem: one pktgen port sends UDP to a range of groups at a set
-- rate and frame size, then prints per-port rates. For pktgen-dpdk 23.06 (range mode, IPv6
-- range packets); every call is checked against that release's Lua binding by
-- tests/pktgen/ (see perf/pktgen/README.md).
--
--   pktgen -l 0-2 -n 4 -a PCI0 -a PCI1 -- -P -m "[1:2].[0-1]" -s 1:joins.pcap \
--          -f perf/pktgen/mcast_groups.lua
--
-- Port 0 faces tandem's upstream interface, rx_ports the downstream ones so the copies are
-- counted: rx/tx is the replication ratio (copies per frame sent; without loss, the number
-- of downstream ports that joined). One TX lcore for every port, tx_port first (see
-- mcast_groups_send_joins). Edit the settings below, or set Lua globals of the same names
-- before running this file (a wrapper: `size = 1518` then `dofile("mcast_groups.lua")`).
-- With seconds = 0 it only configures the port (mcast_sweep.lua uses it that way).

-- pktgen's own Pktgen.lua (which defines printf) is only found when pktgen runs from its
-- source tree, so this script does not require it.
local function printf(...) io.write(string.format(...)); io.flush() end

-- Port numbers of a pktgen port list ("1", "1-2", "1,3", or a number), in order.
local function port_numbers(list)
  local out = {}
  for item in tostring(list):gmatch("[^,]+") do
    local a, b = item:match("^%s*(%d+)%s*%-%s*(%d+)%s*$")
    a = tonumber(a or item:match("^%s*(%d+)%s*$"))
    assert(a, "mcast_groups: bad port list '" .. tostring(list) .. "'")
    for pid = a, tonumber(b or a) do out[#out + 1] = pid end
  end
  return out
end

local cfg = {
  tx_port    = tostring(tx_port or "0"),
  rx_ports   = tostring(rx_ports or "1"),  -- downstream ports: a pktgen port list
  group_min  = group_min or "ff05::1:0",    -- first group (scope 5: site, routed)
  group_max  = group_max or "ff05::1:3e7",  -- 1000 groups; ff05::10:423f gives 1,000,000
  source     = source or "2001:db8:100::10",
  src_mac    = src_mac or "02:00:00:00:01:01",
  -- tandem takes any destination MAC on its all-multicast ports. pktgen steps the MAC and
  -- the address of a range packet separately (different wrap rules), so a per-group
  -- 33:33:xx MAC is not guaranteed to track the group; keep one fixed MAC.
  dst_mac    = dst_mac or "33:33:00:01:00:00",
  size       = size or 78,     -- bytes with the 4-byte FCS; pktgen's IPv6 minimum is 78
  rate       = rate or 100,    -- percent of line rate (pktgen takes a float, 0 < rate <= 100)
  seconds    = seconds or 30,
  hop_limit  = hop_limit or 64,
  -- Ports in pcap mode (`-s P:joins.pcap`, a port list) that send the MLD joins before the
  -- load (mcast_groups_send_joins below); nil leaves them alone. joins_rate is the percent of
  -- line rate of tx_port's frames whose frame rate the joins take: 0.0015 at 78 B on 10 Gb/s
  -- is 191 reports/s, under the 200/s per source address (2,000 per port) that tandem's
  -- punt policer admits; mld_report_pcap.py sends every report from one address.
  joins_port = joins_port and tostring(joins_port) or nil,
  joins_rate = joins_rate or 0.0015,
  joins_ms   = joins_ms or 3000,  -- long enough for one pass of the pcap at that rate
}

local p = cfg.tx_port
local burst = 32
pktgen.screen("off")
pktgen.stop(p)   -- range mode cannot be switched on while the port sends

-- Send the joins for joins_ms with tx_port stopped; the caller sets tx_port's rate again.
-- pktgen 23.06 keeps one next-send time for all TX lcores and paces every port of an lcore
-- by the lcore's first port (app/pktgen.c, pktgen_main_rxtx_loop): a second TX lcore, or a
-- joins port sending beside the data, would move the data's pace. So the joins ports share
-- tx_port's TX lcore, tx_port first in -m, and are sent alone: tx_port's rate is lowered to
-- joins_rate meanwhile and their burst is tx_port's, so they send joins_rate's frame rate.
-- Repeat within tandem's MLD listener interval (260 s by default, RFC 3810 §9.4).
function mcast_groups_send_joins()
  if not cfg.joins_port then return end
  pktgen.stop(p)
  pktgen.set(p, "rate", cfg.joins_rate)
  pktgen.set(cfg.joins_port, "burst", burst)
  pktgen.start(cfg.joins_port)
  pktgen.delay(cfg.joins_ms)
  pktgen.stop(cfg.joins_port)
end

-- pktgen computes the gap between bursts from the single packet's size even in range mode,
-- so the single packet is given the same type and size as the range packet.
pktgen.set_type(p, "ipv6")
pktgen.set_proto(p, "udp")
pktgen.set(p, "size", cfg.size)
pktgen.set(p, "rate", cfg.rate)
pktgen.set(p, "count", 0)     -- until stopped
pktgen.set(p, "burst", burst)

-- The range packet has its own type and protocol; the type must be IPv6 before any address
-- or size is given, since pktgen stores those according to the type in force.
pktgen.range.set_type(p, "ipv6")
pktgen.range.ip_proto(p, "udp")

pktgen.range.dst_mac(p, "start", cfg.dst_mac)
pktgen.range.dst_mac(p, "inc", "00:00:00:00:00:00")
pktgen.range.src_mac(p, "start", cfg.src_mac)
pktgen.range.src_mac(p, "inc", "00:00:00:00:00:00")

-- Walk the groups one by one, wrapping at the end: every group sees the same rate.
pktgen.range.dst_ip(p, "start", cfg.group_min)
pktgen.range.dst_ip(p, "min", cfg.group_min)
pktgen.range.dst_ip(p, "max", cfg.group_max)
pktgen.range.dst_ip(p, "inc", "::1")

pktgen.range.src_ip(p, "start", cfg.source)
pktgen.range.src_ip(p, "min", cfg.source)
pktgen.range.src_ip(p, "max", cfg.source)
pktgen.range.src_ip(p, "inc", "::")

pktgen.range.src_port(p, "start", 40000)
pktgen.range.src_port(p, "min", 40000)
pktgen.range.src_port(p, "max", 40000)
pktgen.range.src_port(p, "inc", 0)
pktgen.range.dst_port(p, "start", 5001)
pktgen.range.dst_port(p, "min", 5001)
pktgen.range.dst_port(p, "max", 5001)
pktgen.range.dst_port(p, "inc", 0)

pktgen.range.hop_limits(p, "start", cfg.hop_limit)
pktgen.range.hop_limits(p, "min", cfg.hop_limit)
pktgen.range.hop_limits(p, "max", cfg.hop_limit)
pktgen.range.hop_limits(p, "inc", 0)

pktgen.range.pkt_size(p, "start", cfg.size)
pktgen.range.pkt_size(p, "min", cfg.size)
pktgen.range.pkt_size(p, "max", cfg.size)
pktgen.range.pkt_size(p, "inc", 0)

pktgen.set_range(p, "on")

mcast_groups_send_joins()
pktgen.set(p, "rate", cfg.rate)

-- What mcast_sweep.lua (and a wrapper) reuse: the ports as numbers and one rate sample.
mcast_groups_ports = {tx = tonumber(p), rx = port_numbers(cfg.rx_ports)}

-- One second's rates from pktgen's timer (it refreshes them once a second): tx pps of the
-- sending port, rx pps of each downstream port (by position in rx) and their sum.
function mcast_groups_sample()
  local r = pktgen.portStats("all", "rate")  -- indexed by port number, plus n
  local tx = r[mcast_groups_ports.tx] and r[mcast_groups_ports.tx].pkts_tx or 0
  local rx, sum = {}, 0
  for i, pid in ipairs(mcast_groups_ports.rx) do
    rx[i] = r[pid] and r[pid].pkts_rx or 0
    sum = sum + rx[i]
  end
  return tx, rx, sum
end

local function ratio(rx, tx) return tx > 0 and rx / tx or 0 end

if cfg.seconds > 0 then
  printf("mcast_groups: %s..%s from %s, %s B, %s%% rate, %s s\n", cfg.group_min, cfg.group_max,
         cfg.source, tostring(cfg.size), tostring(cfg.rate), tostring(cfg.seconds))
  pktgen.clr()
  pktgen.start(p)
  -- Means leave out the first second: it holds the start-up.
  local tx_sum, rx_sums, n = 0, {}, 0
  for t = 1, cfg.seconds do
    pktgen.delay(1000)
    local tx, rx, rx_all = mcast_groups_sample()
    local line = string.format("t=%3ds tx port %s: %10d pps", t, p, tx)
    for i, pid in ipairs(mcast_groups_ports.rx) do
      line = line .. string.format("   rx port %d: %10d pps", pid, rx[i])
      if t > 1 then rx_sums[i] = (rx_sums[i] or 0) + rx[i] end
    end
    printf("%s   rx/tx %.3f\n", line, ratio(rx_all, tx))
    if t > 1 then tx_sum, n = tx_sum + tx, n + 1 end
  end
  pktgen.stop(p)
  pktgen.delay(500)
  local s = pktgen.portStats("all", "port")
  local sent, line, got = s[tonumber(p)].opackets, "", 0
  for _, pid in ipairs(mcast_groups_ports.rx) do
    local rx = s[pid] and s[pid].ipackets or 0
    line, got = line .. string.format(", received on port %d: %d", pid, rx), got + rx
  end
  printf("mcast_groups: sent %d%s, rx/tx %.3f\n", sent, line, ratio(got, sent))
  if n > 0 then
    line = ""
    local rx_all = 0
    for i, pid in ipairs(mcast_groups_ports.rx) do
      line = line .. string.format(", rx port %d %.0f pps", pid, rx_sums[i] / n)
      rx_all = rx_all + rx_sums[i] / n
    end
    printf("mcast_groups: mean of seconds 2-%d: tx %.0f pps%s, rx/tx %.3f\n", cfg.seconds,
           tx_sum / n, line, ratio(rx_all, tx_sum / n))
  end
end
