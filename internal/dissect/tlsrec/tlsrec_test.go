package tlsrec

import (
	"bytes"
	"errors"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tt := range []struct {
		desc    string
		in      []byte
		types   []ContentType
		rest    int
		notTLS  bool
		payload string
	}{
		{"two records", []byte{22, 3, 1, 0, 1, 'a', 23, 3, 3, 0, 2, 'b', 'c'}, []ContentType{Handshake, ApplicationData}, 0, false, "a"},
		{"a record and a partial one", []byte{21, 3, 3, 0, 2, 1, 0, 23, 3, 3, 0, 5, 'x'}, []ContentType{Alert}, 6, false, "\x01\x00"},
		{"a partial header", []byte{23, 3}, nil, 2, false, ""},
		{"HTTP is not TLS", []byte("GET / HTTP/1.1\r\n"), nil, 16, true, ""},
		{"version 4 is not TLS", []byte{23, 4, 0, 0, 0}, nil, 5, true, ""},
		{"over MaxPayload", []byte{23, 3, 3, 0x48, 0x01}, nil, 5, true, ""},
	} {
		recs, rest, err := Split(tt.in)
		var types []ContentType
		for _, r := range recs {
			types = append(types, r.Type)
		}
		if !equal(types, tt.types) || len(rest) != tt.rest || errors.Is(err, ErrNotTLS) != tt.notTLS {
			t.Errorf("%s: Split = %v, %d bytes left, %v; want %v, %d, not TLS %v", tt.desc, types, len(rest), err, tt.types, tt.rest, tt.notTLS)
		}
		if len(recs) > 0 && (string(recs[0].Payload) != tt.payload || len(recs[0].Header) != HeaderLen) {
			t.Errorf("%s: first payload %q header %x, want %q and 5 bytes", tt.desc, recs[0].Payload, recs[0].Header, tt.payload)
		}
	}
}

func equal(a, b []ContentType) bool { return bytes.Equal(toBytes(a), toBytes(b)) }

func toBytes(ts []ContentType) []byte {
	var b []byte
	for _, t := range ts {
		b = append(b, byte(t))
	}
	return b
}

func TestNames(t *testing.T) {
	for _, tt := range []struct {
		typ       HandshakeType
		rfc, wire string
		known     bool
	}{
		{ClientHello, "ClientHello", "Client Hello", true},
		{ServerHelloDone, "ServerHelloDone", "Server Hello Done", true},
		{HelloRequest, "HelloRequest", "Hello Request", true},
		{KeyUpdate, "KeyUpdate", "", false},
		{99, "handshake_type(99)", "", false},
	} {
		name, ok := tt.typ.WiresharkName()
		if tt.typ.String() != tt.rfc || name != tt.wire || ok != tt.known {
			t.Errorf("type %d: String %q, WiresharkName %q, %v; want %q, %q, %v", uint8(tt.typ), tt.typ.String(), name, ok, tt.rfc, tt.wire, tt.known)
		}
	}
	if ApplicationData.String() != "application_data" || ContentType(9).String() != "content_type(9)" {
		t.Errorf("content type names: %s, %s", ApplicationData, ContentType(9))
	}
}

func TestSplitHandshake(t *testing.T) {
	in := []byte{1, 0, 0, 2, 'h', 'i', 20, 0, 0, 0, 11, 0, 0, 9, 'x'}
	msgs, rest := SplitHandshake(in)
	if len(msgs) != 2 || msgs[0].Type != ClientHello || string(msgs[0].Body) != "hi" || msgs[1].Type != Finished ||
		msgs[1].Len() != 4 || len(rest) != 5 || HandshakeLen(rest) != 9 {
		t.Errorf("SplitHandshake = %+v, rest %x", msgs, rest)
	}
}

// FuzzSplit checks that Split accounts for every byte it is given, that
// every record it returns is one it would accept, and that the rest is
// either an error's start or shorter than the record it begins.
func FuzzSplit(f *testing.F) {
	f.Add([]byte{23, 3, 3, 0, 2, 1, 2, 22})
	f.Add([]byte{0x47, 0x45, 0x54, 0x20})
	f.Add([]byte{22, 3, 1, 0, 4, 1, 0, 0, 0, 20, 3, 3, 0, 1, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, rest, err := Split(b)
		n := len(rest)
		for _, r := range recs {
			n += r.WireLen()
			if r.Type < ChangeCipherSpec || r.Type > ApplicationData || len(r.Payload) > MaxPayload || r.Version>>8 != 3 {
				t.Errorf("accepted a record it should not: %v %#04x %d bytes", r.Type, r.Version, len(r.Payload))
			}
		}
		if n != len(b) {
			t.Errorf("records + rest = %d bytes, input %d", n, len(b))
		}
		if err == nil && len(rest) >= HeaderLen && len(rest) >= HeaderLen+(int(rest[3])<<8|int(rest[4])) {
			t.Errorf("a whole record left in rest without an error: %x", rest[:HeaderLen])
		}
	})
}

// FuzzSplitHandshake: every byte accounted for, every message whole.
func FuzzSplitHandshake(f *testing.F) {
	f.Add([]byte{1, 0, 0, 2, 'h', 'i', 20, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, rest := SplitHandshake(b)
		n := len(rest)
		for _, m := range msgs {
			n += m.Len()
			_ = m.Type.String()
			m.Type.WiresharkName()
		}
		if n != len(b) || (len(rest) >= HandshakeHeaderLen && len(rest) >= HandshakeHeaderLen+HandshakeLen(rest)) {
			t.Errorf("%d messages + %d bytes rest of %d", len(msgs), len(rest), len(b))
		}
	})
}
