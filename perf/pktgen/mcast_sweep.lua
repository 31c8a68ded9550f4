-- Sweep frame size and rate for tandem's replication: for each (size, rate) send for a few
-- seconds and record the transmitted and received rates. Needs the settings of
-- mcast_groups.lua (range mode already on); load that first with seconds = 0:
--
--   pktgen ... -f perf/pktgen/mcast_groups.lua   (with seconds = 0 set at its top)
--   then in the pktgen prompt:  load perf/pktgen/mcast_sweep.lua
package.path = package.path .. ";?.lua;test/?.lua;app/?.lua;"
require "Pktgen"

local tx_port = tx_port or "0"
local rx_port = rx_port or "1"
local sizes = sizes or {70, 132, 260, 516, 1028, 1518}  -- FCS included (66..1514 B frames)
local rates = rates or {10, 25, 50, 100}
local hold_ms = hold_ms or 4000

pktgen.screen("off")
printf("size_fcs,rate_pct,tx_pps,rx_pps,rx_over_tx\n")
for _, size in ipairs(sizes) do
  for _, rate in ipairs(rates) do
    pktgen.stop(tx_port)
    pktgen.range.pkt_size(tx_port, "start", size)
    pktgen.range.pkt_size(tx_port, "min", size)
    pktgen.range.pkt_size(tx_port, "max", size)
    pktgen.set(tx_port, "rate", rate)
    pktgen.clr()
    pktgen.start(tx_port)
    pktgen.delay(1000)  -- settle
    local tx_sum, rx_sum, n = 0, 0, 0
    for _ = 1, hold_ms / 1000 do
      pktgen.delay(1000)
      local r = pktgen.portStats("all", "rate")
      tx_sum = tx_sum + r[tonumber(tx_port)].pkts_tx
      rx_sum = rx_sum + r[tonumber(rx_port)].pkts_rx
      n = n + 1
    end
    pktgen.stop(tx_port)
    local tx, rx = tx_sum / n, rx_sum / n
    printf("%d,%d,%d,%d,%.3f\n", size, rate, tx, rx, tx > 0 and rx / tx or 0)
  end
end
