#!/bin/sh
# make-captures.sh: rebuild the captures of this directory with other
# tools than netdemo (tcpdump, editcap, mergecap, text2pcap; python3 for the
# traffic and the hex). Needs root for tcpdump and generates traffic on
# 127.0.0.1 only. TestCapturesAgainstTshark compares netdemo with tshark on
# every capture here.
#
#   apt-get install tcpdump tshark python3   # tshark brings editcap, mergecap, text2pcap
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
port=${PORT:-29330}

# Linux cooked capture (LINUX_SLL2) of loopback traffic, by tcpdump -i any.
tcpdump -i any --immediate-mode -U -w "$tmp/any.pcap" \
	"host 127.0.0.1 and (port $port or port $((port + 1)) or port $((port + 2)))" 2>/dev/null &
pid=$!
sleep 1.5
python3 traffic.py "$port"
sleep 1
kill "$pid"
wait "$pid" || true
editcap -F pcap "$tmp/any.pcap" loopback-any.pcap

# A slow receiver: zero windows, window full, window updates, keep-alives
# (zero-window probes), as the kernel does them; cut to 96 bytes a packet
# by editcap -s, which also tests packets shorter than on the wire.
tcpdump -i any --immediate-mode -U -w "$tmp/slow.pcap" "host 127.0.0.1 and port $((port + 30))" 2>/dev/null &
pid=$!
sleep 1.5
python3 slowreader.py "$((port + 30))"
sleep 1
kill "$pid"
wait "$pid" || true
editcap -s 96 -F pcap "$tmp/slow.pcap" loopback-zerowindow.pcap # headers only: snaplen 96

# Every packet seen twice, 10 µs apart, as when -i any sees a packet on two
# interfaces: mergecap of the capture and a copy shifted by editcap -t.
editcap -t 0.00001 loopback-any.pcap "$tmp/shifted.pcap"
mergecap -w loopback-twice.pcapng loopback-any.pcap "$tmp/shifted.pcap"

# The same capture gzip-compressed, and as "modified pcap" (magic a1b2cd34).
gzip -9nc loopback-any.pcap > loopback-any.pcap.gz
editcap -F modpcap loopback-any.pcap loopback-modified.pcap

# Simple Packet Blocks (no time stamps), which editcap cannot write.
python3 spb.py loopback-any.pcap loopback-spb.pcapng

# A pcapng with two interfaces of different link types: the loopback
# packets in Ethernet headers (text2pcap), and radiotap (802.11) frames.
editcap -C 20 -T rawip -F pcap loopback-any.pcap "$tmp/raw.pcap"
python3 frames.py ether "$tmp/raw.pcap" | text2pcap -q -t "%H:%M:%S.%f" -l 1 -F pcap - "$tmp/eth.pcap"
python3 frames.py radiotap | text2pcap -q -l 127 -F pcap - "$tmp/radiotap.pcap"
mergecap -w mixed-links.pcapng "$tmp/eth.pcap" "$tmp/radiotap.pcap"

# Hand-made frames: PPPoE, 802.3/LLC, other EtherTypes, an unknown IP
# protocol; TCP headers whose data offset is past the end or too small.
python3 frames.py nonip | text2pcap -q -l 1 -F pcap - nonip.pcap
python3 frames.py malformed | text2pcap -q -l 1 -F pcap - malformed-tcp.pcap
ls -l
