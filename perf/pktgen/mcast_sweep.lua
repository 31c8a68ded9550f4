-- Sweep frame size and rate for tandem's replication: for each (size, rate) send for a few
-- seconds and record the transmitted and received rates as CSV. It first runs
-- mcast_groups.lua (beside this file) with seconds = 0 to set up the range packet, so the
-- same settings apply (Lua globals set before this file reach both):
--
--   pktgen -l 0-2 -n 4 -a PCI0 -a PCI1 -- -P -m "[1:2].[0-1]" -s 1:joins.pcap \
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

-- mcast_groups.lua left the ports (mcast_groups_ports) and a rate sampler behind.
local tx_port = tostring(mcast_groups_ports.tx)
local rx_ports = mcast_groups_ports.rx
local sizes = sizes or {78, 128, 256, 512, 1024, 1280, 1518}  -- FCS included; 78 = IPv6 minimum
local rates = rates or {10, 25, 50, 100}
local hold_ms = hold_ms or 4000

-- rx_pps_pN per downstream port N; rx_over_tx = all of them over tx (the replication ratio).
local header = "size_fcs,rate_pct,tx_pps"
for _, pid in ipairs(rx_ports) do header = header .. ",rx_pps_p" .. pid end
printf("%s,rx_over_tx\n", header)
for _, sz in ipairs(sizes) do
  for _, rt in ipairs(rates) do
    pktgen.stop(tx_port)
    -- The rate is computed from the single packet's size, so both sizes move together.
    pktgen.set(tx_port, "size", sz)
    pktgen.range.pkt_size(tx_port, "start", sz)
    pktgen.range.pkt_size(tx_port, "min", sz)
    pktgen.range.pkt_size(tx_port, "max", sz)
    mcast_groups_send_joins()  -- refresh tandem's listeners (nothing without joins_port)
    pktgen.set(tx_port, "rate", rt)
    pktgen.clr()
    pktgen.start(tx_port)
    pktgen.delay(1000)  -- settle
    local tx_sum, rx_sums, rx_all, n = 0, {}, 0, 0
    for _ = 1, math.max(1, hold_ms // 1000) do
      pktgen.delay(1000)
      local tx, rx, sum = mcast_groups_sample()
      tx_sum, rx_all, n = tx_sum + tx, rx_all + sum, n + 1
      for i = 1, #rx_ports do rx_sums[i] = (rx_sums[i] or 0) + rx[i] end
    end
    pktgen.stop(tx_port)
    local row = string.format("%d,%s,%.0f", sz, tostring(rt), tx_sum / n)
    for i = 1, #rx_ports do row = row .. string.format(",%.0f", rx_sums[i] / n) end
    printf("%s,%.3f\n", row, tx_sum > 0 and rx_all / tx_sum or 0)
  end
end
