#!/usr/bin/env python3
"""frames.py NAME: print hand-made frames as a text2pcap hex dump.

The frames are ones a loopback capture never has: PPPoE sessions, 802.3/LLC,
EtherTypes that are not IP, an unknown IP protocol, a TCP header whose data
offset points past the packet, radiotap. make-captures.sh feeds the dump to
text2pcap. Checksums are computed so that tshark finds nothing else wrong.
"""
import struct, sys

def csum(b):
    if len(b) % 2: b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def ip4(src, dst, proto, payload, ident=1):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, proto, 0,
                    bytes(src), bytes(dst))
    h = h[:10] + struct.pack("!H", csum(h)) + h[12:]
    return h + payload

def tcp(src, dst, sport, dport, seq, ack, flags, payload=b"", win=64240, doff=None, opts=b""):
    hl = 20 + len(opts)
    off = (doff if doff is not None else hl // 4) << 4
    h = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off, flags, win, 0, 0) + opts
    pseudo = struct.pack("!4s4sBBH", bytes(src), bytes(dst), 0, 6, len(h) + len(payload))
    c = csum(pseudo + h + payload)
    return h[:16] + struct.pack("!H", c) + h[18:] + payload

def eth(dst, src, etype, payload):
    f = bytes(dst) + bytes(src) + struct.pack("!H", etype) + payload
    return f + b"\0" * max(0, 60 - len(f))

A, B = [192, 168, 1, 2], [192, 168, 1, 1]
MA, MB = [0x02, 0, 0, 0, 0, 0x02], [0x02, 0, 0, 0, 0, 0x01]
FIN, SYN, RST, PSH, ACK = 1, 2, 4, 8, 16

def pppoe(session_payload, code=0, sid=0x2a, etype=0x8864):
    return struct.pack("!BBHH", 0x11, code, sid, len(session_payload)) + session_payload

def frames_nonip():
    out = []
    # PPPoE discovery: PADI (broadcast), then a session carrying IPv4 TCP: SYN, RST/ACK.
    out.append(eth([0xff] * 6, MA, 0x8863, pppoe(b"\x01\x01\x00\x00", code=0x09, sid=0)))
    syn = tcp(A, B, 40000, 80, 1000, 0, SYN, opts=b"\x02\x04\x05\xb4\x01\x01\x04\x02")
    out.append(eth(MB, MA, 0x8864, pppoe(b"\x00\x21" + ip4(A, B, 6, syn, 1))))
    rst = tcp(B, A, 80, 40000, 0, 1001, RST | ACK, win=0)
    out.append(eth(MA, MB, 0x8864, pppoe(b"\x00\x21" + ip4(B, A, 6, rst, 2))))
    # 802.3 frame with LLC: a spanning-tree BPDU (DSAP/SSAP 0x42).
    bpdu = bytes([0, 0, 0, 0, 0, 0x80, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0x80, 0, 2, 0, 0, 0, 0, 1,
                  0x80, 1, 0, 0, 0x14, 0, 2, 0, 0x0f, 0])
    llc = b"\x42\x42\x03" + bpdu
    out.append(eth([0x01, 0x80, 0xc2, 0, 0, 0], MA, len(llc), llc))
    # 802.3 with LLC, unnumbered frame to a SAP tshark has no dissector for.
    llc2 = b"\xf4\xf4\x03" + b"netdemo"
    out.append(eth(MB, MA, len(llc2), llc2))
    # EtherTypes that are not IP: LLDP, and 0x88b5 (IEEE local experimental).
    lldp = b"\x02\x07\x04" + bytes(MA) + b"\x04\x02\x07\x31\x06\x02\x00\x78\x00\x00"
    out.append(eth([0x01, 0x80, 0xc2, 0, 0, 0x0e], MA, 0x88cc, lldp))
    out.append(eth(MB, MA, 0x88b5, b"netdemo experimental"))
    # IPv4 with an unassigned protocol number (253: experimentation, RFC 3692).
    out.append(eth(MB, MA, 0x0800, ip4(A, B, 253, b"test", 3)))
    return out

def frames_malformed():
    out = []
    seq = lambda *a, **k: eth(MB, MA, 0x0800, ip4(A, B, 6, tcp(A, B, 40001, 80, *a, **k)))
    rseq = lambda *a, **k: eth(MA, MB, 0x0800, ip4(B, A, 6, tcp(B, A, 80, 40001, *a, **k)))
    out.append(seq(1000, 0, SYN))
    out.append(rseq(5000, 1001, SYN | ACK))
    out.append(seq(1001, 5001, ACK))
    out.append(seq(1001, 5001, PSH | ACK, b"0123456789"))
    out.append(rseq(5001, 1011, PSH | ACK, b"x" * 20))
    # Data offset 15 (60 bytes) in a 20-byte TCP header: malformed.
    out.append(seq(1011, 5021, ACK, doff=15))
    out.append(seq(1011, 5021, ACK))
    # Data offset 3 (12 bytes): below the minimum.
    out.append(seq(1011, 5021, ACK, doff=3))
    out.append(rseq(5021, 1011, FIN | ACK))
    out.append(seq(1011, 5022, FIN | ACK))
    out.append(rseq(5022, 1012, ACK))
    return out

def frames_radiotap():
    # Radiotap header with no fields, then an 802.11 beacon.
    rt = b"\x00\x00\x08\x00\x00\x00\x00\x00"
    bssid = bytes([0x02, 0, 0, 0, 0, 0x10])
    beacon = (b"\x80\x00\x00\x00" + b"\xff" * 6 + bssid + bssid + b"\x10\x00" +
              b"\0" * 8 + b"\x64\x00\x01\x04" + b"\x00\x07netdemo" + b"\x01\x01\x82")
    return [rt + beacon for _ in range(3)]

def frames_ether(path):
    """The raw IP packets of a pcap file, each in an Ethernet II header and
    preceded by its time of day, for text2pcap -t "%H:%M:%S.%f"."""
    import time
    src = open(path, "rb").read()
    off, out = 24, []
    while off < len(src):
        sec, usec, incl, orig = struct.unpack("<IIII", src[off:off + 16])
        ip = src[off + 16:off + 16 + incl]
        off += 16 + incl
        out.append((time.strftime("%H:%M:%S", time.gmtime(sec)) + ".%06d" % usec, eth(MB, MA, 0x0800, ip)))
    return out

def dump(frames):
    for f in frames:
        if isinstance(f, tuple):
            print(f[0])
            f = f[1]
        for i in range(0, len(f), 16):
            print("%04x  %s" % (i, " ".join("%02x" % x for x in f[i:i + 16])))
        print()

if sys.argv[1] == "ether":
    dump(frames_ether(sys.argv[2]))
else:
    dump({"nonip": frames_nonip, "malformed": frames_malformed, "radiotap": frames_radiotap}[sys.argv[1]]())
