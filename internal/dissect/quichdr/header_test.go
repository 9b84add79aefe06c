package quichdr

import (
	"slices"
	"testing"
)

// longHeader builds a long-header packet of the given type bits with a
// payload of n bytes.
func longHeader(version uint32, bits byte, initial bool, n int) []byte {
	p := []byte{0xc0 | bits<<4, byte(version >> 24), byte(version >> 16), byte(version >> 8), byte(version), 8, 1, 2, 3, 4, 5, 6, 7, 8, 0}
	if initial {
		p = append(p, 0) // no token
	}
	p = append(p, 0x40|byte(n>>8), byte(n)) // two-byte varint length
	return append(p, make([]byte, n)...)
}

func TestPackets(t *testing.T) {
	tests := []struct {
		desc string
		d    []byte
		want []PacketType
	}{
		{"one Initial", longHeader(Version1, 0, true, 1200), []PacketType{Initial}},
		{"Initial then 0-RTT, coalesced", slices.Concat(longHeader(Version1, 0, true, 100), longHeader(Version1, 1, false, 50)), []PacketType{Initial, ZeroRTT}},
		{"Initial, Handshake, then a short header", slices.Concat(longHeader(Version1, 0, true, 30), longHeader(Version1, 2, false, 40), []byte{0x40, 1, 2, 3}), []PacketType{Initial, Handshake, OneRTT}},
		{"version 2 renumbers", slices.Concat(longHeader(Version2, 1, true, 30), longHeader(Version2, 3, false, 40)), []PacketType{Initial, Handshake}},
		{"short header only", []byte{0x41, 9, 9}, []PacketType{OneRTT}},
		{"length past the end stops parsing", longHeader(Version1, 2, false, 40)[:30], []PacketType{Handshake}},
		{"Retry ends the datagram", []byte{0xf0, 0, 0, 0, 1, 0, 0, 1, 2}, []PacketType{Retry}},
		{"Version Negotiation", []byte{0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, []PacketType{VersionNegotiation}},
		{"unknown version", []byte{0xc0, 0x1a, 0x2a, 0x3a, 0x4a, 0, 0}, nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		if got := Packets(tt.d); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Packets = %v, want %v", tt.desc, got, tt.want)
		}
	}
}

func TestLongType(t *testing.T) {
	for _, tt := range []struct {
		first   byte
		version uint32
		want    PacketType
		ok      bool
	}{
		{0xc0, Version1, Initial, true},
		{0xd0, 0xff00001d, ZeroRTT, true}, // draft 29
		{0xc0, Version2, Retry, true},
		{0xf0, Version2, Handshake, true},
		{0x80, 0, VersionNegotiation, true},
		{0xc0, 0x0a0a0a0a, 0, false}, // a greased version
	} {
		if got, ok := LongType(tt.first, tt.version); got != tt.want || ok != tt.ok {
			t.Errorf("LongType(%#x, %#x) = %v, %v; want %v, %v", tt.first, tt.version, got, ok, tt.want, tt.ok)
		}
	}
	if ZeroRTT.String() != "0-RTT" || OneRTT.String() != "1-RTT" || PacketType(99).String() != "unknown" {
		t.Errorf("names: %v %v %v", ZeroRTT, OneRTT, PacketType(99))
	}
}

func TestVarint(t *testing.T) {
	// RFC 9000 §A.1 examples.
	tests := []struct {
		in   []byte
		v    uint64
		size int
	}{
		{[]byte{0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c}, 151288809941952652, 8},
		{[]byte{0x9d, 0x7f, 0x3e, 0x7d}, 494878333, 4},
		{[]byte{0x7b, 0xbd}, 15293, 2},
		{[]byte{0x25}, 37, 1},
		{[]byte{0x40, 0x25}, 37, 2},
		{[]byte{0x7b}, 0, 0}, // truncated
	}
	for _, tt := range tests {
		if v, k := Varint(tt.in); v != tt.v || k != tt.size {
			t.Errorf("Varint(% x) = %d, %d; want %d, %d", tt.in, v, k, tt.v, tt.size)
		}
	}
}

// FuzzPackets: no panic; every packet found takes at least one byte; only
// the last may be one that runs to the end of the datagram.
func FuzzPackets(f *testing.F) {
	f.Add(longHeader(Version1, 0, true, 1200))
	f.Add(slices.Concat(longHeader(Version1, 0, true, 100), longHeader(Version1, 1, false, 50), []byte{0x40, 1}))
	f.Add(longHeader(Version2, 1, true, 10))
	f.Add([]byte{0xc0, 0, 0, 0, 1, 255})
	f.Fuzz(func(t *testing.T, d []byte) {
		got := Packets(d)
		if len(got) > len(d) {
			t.Fatalf("%d packets in %d bytes", len(got), len(d))
		}
		for i, typ := range got {
			if typ > VersionNegotiation {
				t.Fatalf("packet %d has no type: %d", i, typ)
			}
			if (typ == OneRTT || typ == Retry || typ == VersionNegotiation) && i != len(got)-1 {
				t.Fatalf("%v at %d of %d: it runs to the end of the datagram", typ, i, len(got))
			}
		}
	})
}
