-- IPv6 multicast load for tandem: one pktgen port sends UDP to a range of groups at a set
-- rate and frame size, then prints per-port rates. For pktgen-dpdk 23.06 (range mode, IPv6
-- range packets); every call is checked against that release's Lua binding by
-- tests/pktgen/ (see perf/pktgen/README.md).
--
--   pktgen -l 0-4 -n 4 -a PCI0 -a PCI1 -- -P -m "[1:2].0, [3:4].1" -s 1:joins.pcap \
--          -f perf/pktgen/mcast_groups.lua
--
-- Port 0 faces tandem's upstream interface, port 1 (optional) a downstream one so the copies
-- are counted. Edit the settings below, or set Lua globals of the same names before running
-- this file (a wrapper script: `size = 1518` then `dofile("perf/pktgen/mcast_groups.lua")`).
-- With seconds = 0 it only configures the port (mcast_sweep.lua uses it that way).

-- pktgen's own Pktgen.lua (which defines printf) is only found when pktgen runs from its
-- source tree, so this script does not require it.
local function printf(...) io.write(string.format(...)); io.flush() end

local cfg = {
  tx_port    = tostring(tx_port or "0"),
  rx_port    = tostring(rx_port or "1"),
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
  -- Port in pcap mode (`-s P:joins.pcap`) that repeats the MLD joins while the load runs;
  -- nil leaves it alone. joins_rate is a percent of that port's line rate.
  joins_port = joins_port and tostring(joins_port) or nil,
  joins_rate = joins_rate or 0.1,
}

local p = cfg.tx_port
pktgen.screen("off")
pktgen.stop(p)   -- range mode cannot be switched on while the port sends

if cfg.joins_port then
  pktgen.set(cfg.joins_port, "rate", cfg.joins_rate)
  pktgen.start(cfg.joins_port)
  pktgen.delay(2000)   -- let tandem learn the groups before the data starts
end

-- pktgen computes the gap between bursts from the single packet's size even in range mode,
-- so the single packet is given the same type and size as the range packet.
pktgen.set_type(p, "ipv6")
pktgen.set_proto(p, "udp")
pktgen.set(p, "size", cfg.size)
pktgen.set(p, "rate", cfg.rate)
pktgen.set(p, "count", 0)     -- until stopped
pktgen.set(p, "burst", 32)

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

if cfg.seconds > 0 then
  printf("mcast_groups: %s..%s from %s, %s B, %s%% rate, %s s\n", cfg.group_min, cfg.group_max,
         cfg.source, tostring(cfg.size), tostring(cfg.rate), tostring(cfg.seconds))
  pktgen.clr()
  pktgen.start(p)
  for t = 1, cfg.seconds do
    pktgen.delay(1000)
    -- portStats returns a table indexed by port number (an integer), plus n.
    local r = pktgen.portStats("all", "rate")
    local tx = r[tonumber(p)]
    local rx = r[tonumber(cfg.rx_port)]
    printf("t=%3ds tx port %s: %10d pps   rx port %s: %10d pps\n", t, p, tx and tx.pkts_tx or 0,
           cfg.rx_port, rx and rx.pkts_rx or 0)
  end
  pktgen.stop(p)
  pktgen.delay(500)
  local s = pktgen.portStats("all", "port")
  local rx = s[tonumber(cfg.rx_port)]
  printf("mcast_groups: sent %d, received on port %s: %d\n", s[tonumber(p)].opackets,
         cfg.rx_port, rx and rx.ipackets or 0)
end
