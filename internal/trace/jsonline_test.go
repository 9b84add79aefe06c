package trace

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestJSONMatchesEncodingJSON checks that the hand-written JSON of every
// packet is byte for byte what encoding/json writes for the same Packet,
// on captures with every kind of packet, in both languages.
func TestJSONMatchesEncodingJSON(t *testing.T) {
	var syn bytes.Buffer
	if err := WriteSyntheticCapture(&syn, 3000, 5); err != nil {
		t.Fatal(err)
	}
	captures := [][]byte{syn.Bytes()}
	for _, name := range []string{"loopback-twice.pcapng", "mixed-links.pcapng", "nonip.pcap", "malformed-tcp.pcap", "loopback-spb.pcapng"} {
		captures = append(captures, readTestdata(t, name))
	}
	captures = append(captures, seedCaptures(t)...)
	type line struct {
		Kind string `json:"kind"`
		Packet
	}
	for ci, c := range captures {
		for _, lang := range []string{"en", "zh"} {
			var out bytes.Buffer
			if _, err := Read(context.Background(), bytes.NewReader(c), &out, Options{JSON: true, Lang: lang}); err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(out.String()), "\n")
			for _, l := range lines[:len(lines)-1] {
				var p line
				if err := json.Unmarshal([]byte(l), &p); err != nil {
					t.Fatalf("capture %d: %v in %s", ci, err, l)
				}
				var want bytes.Buffer
				enc := json.NewEncoder(&want)
				enc.SetEscapeHTML(false)
				enc.Encode(p)
				if got := l + "\n"; got != want.String() {
					t.Fatalf("capture %d (%s):\n got %s\nwant %s", ci, lang, got, want.String())
				}
			}
		}
	}
}

func TestJSONString(t *testing.T) {
	for _, s := range []string{"", "plain", "a\"b\\c", "tab\tnl\nnul\x00\x1f\x7f", "bad \xff utf8 \xe2\x82", "sep\u2028\u2029", "→ 握手 <&>", "\b\f"} {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.Encode(s)
		if got := string(appendJSONString(nil, s)) + "\n"; got != want.String() {
			t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want.String())
		}
		b := append([]byte(`x:"`), s...)
		if got := string(closeQuote(b, 3)) + "\n"; got != "x:"+want.String() {
			t.Errorf("closeQuote(%q) = %s, want x:%s", s, got, want.String())
		}
	}
	for _, f := range []float64{0, 1, 0.5, 1e-7, 123456.789, 1e21, 3.0000001e-9, 1796107756.887285} {
		want, _ := json.Marshal(f)
		if got := string(appendJSONFloat(nil, f)); got != string(want) {
			t.Errorf("appendJSONFloat(%v) = %s, want %s", f, got, want)
		}
	}
}

func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
