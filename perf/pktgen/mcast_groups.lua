-- IPv6 multicast load for tandem: one port sends UDP to a range of groups at a set rate and
-- frame size, then prints per-port rates. For pktgen-dpdk 23.06 (range mode, IPv6 type).
--
--   pktgen -l 0-2 -n 4 -- -P -m "[1:2].0, [1:2].1" -f perf/pktgen/mcast_groups.lua
--
-- Port 0 faces tandem's upstream interface, port 1 (optional) a downstream one so the copies
-- are counted. Edit the settings below, or set them as Lua globals before loading this file.
package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

local cfg = {
  tx_port   = tx_port   or "0",
  rx_port   = rx_port   or "1",
  group_min = group_min or "ff05::1:0",       -- first group (scope 5: site, routed)
  group_max = group_max or "ff05::1:3e7",     -- 1000 groups; ff05::10:423f gives 1,000,000
  source    = source    or "2001:db8:100::10",
  src_mac   = src_mac   or "02:00:00:00:01:01",
  -- tandem accepts any destination MAC on an all-multicast port, so a fixed 33:33 address
  -- is enough; pktgen cannot tie the MAC's low 32 bits to the incrementing group.
  dst_mac   = dst_mac   or "33:33:00:01:00:00",
  size      = size      or 70,   -- pktgen sizes include the 4-byte FCS: 70 = a 66-byte frame
  rate      = rate      or 100,  -- percent of line rate
  seconds   = seconds   or 30,
  hop_limit = hop_limit or 64,
}

local p = cfg.tx_port
pktgen.screen("off")
pktgen.stop("all")
pktgen.clr()

pktgen.set_type(p, "ipv6")
pktgen.set_proto(p, "udp")
pktgen.set(p, "rate", cfg.rate)
pktgen.set(p, "count", 0)        -- until stopped
pktgen.set(p, "burst", 32)

pktgen.range.dst_mac(p, "start", cfg.dst_mac)
pktgen.range.src_mac(p, "start", cfg.src_mac)

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

pktgen.range.ttl(p, "start", cfg.hop_limit)   -- the IPv6 hop limit
pktgen.range.ttl(p, "min", cfg.hop_limit)
pktgen.range.ttl(p, "max", cfg.hop_limit)
pktgen.range.ttl(p, "inc", 0)

pktgen.range.pkt_size(p, "start", cfg.size)
pktgen.range.pkt_size(p, "min", cfg.size)
pktgen.range.pkt_size(p, "max", cfg.size)
pktgen.range.pkt_size(p, "inc", 0)

pktgen.set_range(p, "on")

printf("mcast_groups: %s..%s from %s, %d B, %d%% rate, %d s\n", cfg.group_min, cfg.group_max,
       cfg.source, cfg.size, cfg.rate, cfg.seconds)
pktgen.start(p)
for t = 1, cfg.seconds do
  pktgen.delay(1000)
  local r = pktgen.portStats("all", "rate")
  local tx = r[tonumber(p)]
  local rx = r[tonumber(cfg.rx_port)]
  printf("t=%3ds tx port %s: %10d pps   rx port %s: %10d pps\n", t, p, tx and tx.pkts_tx or 0,
         cfg.rx_port, rx and rx.pkts_rx or 0)
end
pktgen.stop(p)
pktgen.delay(500)
local s = pktgen.portStats("all", "port")
printf("mcast_groups: sent %d, received on port %s: %d\n", s[tonumber(p)].opackets,
       cfg.rx_port, s[tonumber(cfg.rx_port)] and s[tonumber(cfg.rx_port)].ipackets or 0)
