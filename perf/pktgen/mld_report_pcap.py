#!/usr/bin/python3
"""Write a pcap of MLDv2 reports that join G groups, to replay on a downstream interface of
tandem (pktgen -s P:FILE, tcpreplay, or net_pcap rx_pcap) so its FIB holds G entries before
the data load starts. One report carries as many records as fit in one 1500-byte packet
(RFC 3810 §5.2: records of 20 bytes for EXCLUDE{} joins); each comes from a link-local host
address with hop limit 1 and the Router Alert option (RFC 3810 §5), to ff02::16. --hosts N
sends the reports from N hosts in turn (addresses and MACs counting up from --host-ll and
--host-mac): tandem admits 200 MLD frames/s per source address and 2,000 per port.

  perf/pktgen/mld_report_pcap.py --groups 1000 --first ff05::1:0 -o joins.pcap
  perf/pktgen/mld_report_pcap.py --groups 1000000 --first ff05::1:0 --mode include \\
      --source 2001:db8:100::10 -o joins_ssm.pcap
"""
import argparse
import ipaddress

from scapy.all import Ether, IPv6, IPv6ExtHdrHopByHop, RouterAlert, wrpcap
from scapy.layers.inet6 import ICMPv6MLReport2, ICMPv6MLDMultAddrRec

MTU = 1500
IPV6_HDR = 40
HBH = 8
REPORT_HDR = 8


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--first", default="ff05::1:0", help="first group; the rest follow it")
    ap.add_argument("--mode", choices=["exclude", "include"], default="exclude",
                    help="exclude = any-source join (IS_EX {}), include = (S,G) join")
    ap.add_argument("--source", default="2001:db8:100::10", help="source for --mode include")
    ap.add_argument("--host-mac", default="02:00:00:00:02:01")
    ap.add_argument("--host-ll", default="fe80::200:ff:fe00:201")
    ap.add_argument("--hosts", type=int, default=1, help="hosts the reports rotate over")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()

    first = int(ipaddress.IPv6Address(a.first))
    if not ipaddress.IPv6Address(a.first).is_multicast:
        ap.error("--first must be a multicast address")
    if not 1 <= a.hosts <= 65536:
        ap.error("--hosts must be 1..65536")
    host_ll = int(ipaddress.IPv6Address(a.host_ll))
    host_mac = int(a.host_mac.replace(":", ""), 16)
    # MODE_IS_EXCLUDE = 2, MODE_IS_INCLUDE = 1 (RFC 3810 §5.2.12).
    rtype, sources = (2, []) if a.mode == "exclude" else (1, [a.source])
    rec_len = 20 + 16 * len(sources)
    per_report = (MTU - IPV6_HDR - HBH - REPORT_HDR) // rec_len

    frames = []
    for n, start in enumerate(range(0, a.groups, per_report)):
        recs = [ICMPv6MLDMultAddrRec(rtype=rtype, dst=str(ipaddress.IPv6Address(first + i)),
                                     sources=sources)
                for i in range(start, min(start + per_report, a.groups))]
        host = n % a.hosts
        mac = f"{host_mac + host:012x}"
        frames.append(
            Ether(src=":".join(mac[i:i + 2] for i in range(0, 12, 2)), dst="33:33:00:00:00:16")
            / IPv6(src=str(ipaddress.IPv6Address(host_ll + host)), dst="ff02::16", hlim=1)
            / IPv6ExtHdrHopByHop(options=[RouterAlert(value=0)])
            / ICMPv6MLReport2(records=recs))
    wrpcap(a.output, frames)
    print(f"{a.output}: {len(frames)} reports, {a.groups} groups, {per_report} records each, "
          f"{min(a.hosts, len(frames))} host(s)")


if __name__ == "__main__":
    main()
