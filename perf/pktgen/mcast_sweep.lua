-- Sweep frame size and rate for tandem's replication: for each (size, rate) send for a few
-- seconds and record the transmitted and received rates as CSV. It first runs
-- mcast_groups.lua (beside this file) with seconds = 0 to set up the range packet, so the
-- same settings apply (Lua globals set before this file reach both):
--
--   pktgen -l 0-4 -n 4 -a PCI0 -a PCI1 -- -P -m "[1:2].0, [3:4].1" -s 1:joins.pcap \
--          -f perf/pktgen/mcast_sweep.lua

local function printf(...) io.write(string.format(...)); io.flush() end

local here = "perf/pktgen/"
if debug and debug.getinfo then
  local src = debug.getinfo(1, "S").source
  if src:sub(1, 1) == "@" then here = src:sub(2):match("^(.*/)") or "./" end
end

local saved_seconds = seconds
seconds = 0
dofile(here .. "mcast_groups.lua")
seconds = saved_seconds

local tx_port = tostring(tx_port or "0")
local rx_port = tostring(rx_port or "1")
local sizes = sizes or {78, 128, 256, 512, 1024, 1280, 1518}  -- FCS included; 78 = IPv6 minimum
local rates = rates or {10, 25, 50, 100}
local hold_ms = hold_ms or 4000

printf("size_fcs,rate_pct,tx_pps,rx_pps,rx_over_tx\n")
for _, sz in ipairs(sizes) do
  for _, rt in ipairs(rates) do
    pktgen.stop(tx_port)
    -- The rate is computed from the single packet's size, so both sizes move together.
    pktgen.set(tx_port, "size", sz)
    pktgen.range.pkt_size(tx_port, "start", sz)
    pktgen.range.pkt_size(tx_port, "min", sz)
    pktgen.range.pkt_size(tx_port, "max", sz)
    pktgen.set(tx_port, "rate", rt)
    pktgen.clr()
    pktgen.start(tx_port)
    pktgen.delay(1000)  -- settle
    local tx_sum, rx_sum, n = 0, 0, 0
    for _ = 1, math.max(1, hold_ms // 1000) do
      pktgen.delay(1000)
      local r = pktgen.portStats("all", "rate")
      tx_sum = tx_sum + r[tonumber(tx_port)].pkts_tx
      rx_sum = rx_sum + (r[tonumber(rx_port)] and r[tonumber(rx_port)].pkts_rx or 0)
      n = n + 1
    end
    pktgen.stop(tx_port)
    local tx, rx = tx_sum / n, rx_sum / n
    printf("%d,%s,%.0f,%.0f,%.3f\n", sz, tostring(rt), tx, rx, tx > 0 and rx / tx or 0)
  end
end
