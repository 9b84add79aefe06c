#!/usr/bin/env python3
"""spb.py IN.pcap OUT.pcapng: rewrite a pcap file as pcapng with Simple
Packet Blocks (no timestamps, interface 0), which editcap and mergecap
cannot write. A few packets in the middle get Enhanced Packet Blocks, so
that the file mixes both kinds, as some capture appliances write them."""
import struct, sys

def block(typ, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", typ, n) + body + struct.pack("<I", n)

src = open(sys.argv[1], "rb").read()
magic, _, _, _, _, snaplen, link = struct.unpack("<IHHiIII", src[:24])
assert magic == 0xa1b2c3d4, "little-endian microsecond pcap expected"
out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
out += block(1, struct.pack("<HHI", link & 0xffff, 0, snaplen))
off, i = 24, 0
while off < len(src):
    sec, usec, incl, orig = struct.unpack("<IIII", src[off:off + 16])
    data = src[off + 16:off + 16 + incl]
    off += 16 + incl
    i += 1
    if 10 <= i < 13:
        ts = sec * 1000000 + usec
        out += block(6, struct.pack("<IIIII", 0, ts >> 32, ts & 0xffffffff, incl, orig) + data)
    else:
        out += block(3, struct.pack("<I", orig) + data)
open(sys.argv[2], "wb").write(out)
