package tcpudp

import (
	"bytes"
	"testing"
)

func TestMessageRoundTrip(t *testing.T) {
	for _, seq := range []int{0, 1, 42, 199, 99999, 999999} {
		m := makeMessage(seq)
		if len(m) != msgSize {
			t.Fatalf("makeMessage(%d) is %d bytes, want %d", seq, len(m), msgSize)
		}
		got, err := parseMessage(m)
		if err != nil || got != seq {
			t.Errorf("parseMessage(makeMessage(%d)) = %d, %v; want %d, nil", seq, got, err, seq)
		}
	}
}

func TestParseMessageRejects(t *testing.T) {
	m := makeMessage(7)
	corrupt := bytes.Clone(m)
	corrupt[50] ^= 1
	letters := bytes.Clone(m)
	letters[5] = 'x'
	for _, tc := range []struct {
		desc string
		in   []byte
	}{
		{"empty", nil},
		{"short", m[:99]},
		{"long", append(bytes.Clone(m), 'z')},
		{"wrong prefix", append([]byte("MSG "), m[4:]...)},
		{"not digits", letters},
		{"corrupted filler", corrupt},
	} {
		if seq, err := parseMessage(tc.in); err == nil {
			t.Errorf("%s: parseMessage = %d, nil; want an error", tc.desc, seq)
		}
	}
}

// FuzzParseMessage: received bytes may be anything; the parser must reject
// what it did not build, and never panic.
func FuzzParseMessage(f *testing.F) {
	f.Add(makeMessage(0))
	f.Add(makeMessage(123456))
	f.Add([]byte("msg 00000x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		seq, err := parseMessage(b)
		if err == nil && !bytes.Equal(makeMessage(seq), b) {
			t.Fatalf("parseMessage(%q) = %d, but makeMessage(%d) differs", b, seq, seq)
		}
	})
}
