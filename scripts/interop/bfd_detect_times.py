#!/usr/bin/python3
"""bfd_detect_times.py PCAP TANDEM_ADDR -- detection times of tandem's BFD sessions, from a
capture that sees both directions.

For every packet in which tandem (source TANDEM_ADDR) reports Down with diag 1 (Control
Detection Time Expired, RFC 5880 4.1) after having reported Up, prints one line
  EPOCH_OF_DOWN_PACKET  DETECTION_MS  LAST_PEER_PACKET_EPOCH
where DETECTION_MS = (tandem's first Down packet) - (the peer's last BFD packet before it).
tandem sends a packet as soon as its state changes, so this is the time from the last packet
heard to the declaration of Down: at 10 ms x 3 it should be about 30 ms."""
import subprocess
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    pcap, me = sys.argv[1], sys.argv[2]
    out = subprocess.run(
        ["tshark", "-r", pcap, "-Y", "bfd && !icmpv6", "-T", "fields", "-e", "frame.time_epoch",
         "-e", "ipv6.src", "-e", "bfd.sta", "-e", "bfd.diag"],
        capture_output=True, text=True, check=True).stdout
    last_peer = None
    my_prev_state = None
    for line in out.splitlines():
        f = line.split("\t")
        if len(f) < 4:
            continue
        t, src, sta, diag = float(f[0]), f[1], int(f[2], 0), int(f[3], 0)
        if src != me:
            last_peer = t
            continue
        if sta == 1 and diag == 1 and my_prev_state == 3 and last_peer is not None:
            print(f"{t:.6f} {(t - last_peer) * 1e3:.3f} {last_peer:.6f}")
        my_prev_state = sta


if __name__ == "__main__":
    main()
