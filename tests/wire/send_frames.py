#!/usr/bin/env python3
"""send_frames.py IFACE PCAP...: sends every frame of the classic Ethernet captures out of
IFACE through an AF_PACKET socket (needs CAP_NET_RAW), in order, 2 ms apart. Prints the count."""
import socket
import sys
import time

from classic_pcap import read_classic


def main():
    iface, paths = sys.argv[1], sys.argv[2:]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    sent = 0
    for path in paths:
        linktype, records = read_classic(path)
        if linktype != 1:
            raise SystemExit(f"{path}: not Ethernet")
        for _, _, _, frame in records:
            s.send(frame)
            sent += 1
            time.sleep(0.002)
    print(sent)


if __name__ == "__main__":
    main()
