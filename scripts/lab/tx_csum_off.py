#!/usr/bin/python3
"""tx_csum_off.py IFNAME -- turn off TX checksum offload on a (veth) interface.

A veth hands its frames to the peer with the UDP checksum left for "hardware" to fill
(CHECKSUM_PARTIAL). A kernel on the other side trusts that, but tandemd reads the frame
through af_packet and forwards the bytes as they are, so the hosts behind it would drop
every datagram for a bad checksum. With TX checksumming off the source's kernel computes
the checksum itself, as a real NIC would have. (Same as `ethtool -K IF tx off`, through the
SIOCETHTOOL ioctl, so the lab does not need the ethtool package.)
"""
import ctypes
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_GTXCSUM = 0x00000016
ETHTOOL_STXCSUM = 0x00000017


def ethtool_value(sock, ifname, cmd, data=0):
    buf = bytearray(struct.pack("=II", cmd, data))
    # struct ifreq { char name[16]; void *ifr_data; }: point ifr_data at our buffer
    cbuf = (ctypes.c_char * len(buf)).from_buffer(buf)
    ifreq = struct.pack("16sP", ifname.encode(), ctypes.addressof(cbuf))
    fcntl.ioctl(sock, SIOCETHTOOL, ifreq)
    return struct.unpack("=II", bytes(buf))[1]


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    ifname = sys.argv[1]
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    ethtool_value(s, ifname, ETHTOOL_STXCSUM, 0)
    if ethtool_value(s, ifname, ETHTOOL_GTXCSUM) != 0:
        sys.exit(f"tx checksum offload still on for {ifname}")


if __name__ == "__main__":
    main()
