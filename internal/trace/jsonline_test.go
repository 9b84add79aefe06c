package trace

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/trace/capfile"
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

// TestJSONSeconds compares appendJSONSeconds with encoding/json over
// times of every magnitude and resolution.
func TestJSONSeconds(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	values := []int64{0, 1, 999, 1000, 1001, 1e9, 1e9 + 1, 123456789012, 1796107756887285000, 1e15 - 1, 1e15, 5e14 + 3}
	for range 200000 {
		v := r.Int64N(1 << uint(r.IntN(62)))
		if r.IntN(2) == 0 {
			v -= v % 1000 // microsecond captures
		}
		values = append(values, v)
	}
	for _, v := range values {
		want, _ := json.Marshal(float64(v) / 1e9)
		if got := appendJSONSeconds(nil, v); string(got) != string(want) {
			t.Fatalf("appendJSONSeconds(%d) = %s, want %s", v, got, want)
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

// TestOwnTextsNeedNoEscaping backs the shortcut of appendJSON: the texts
// netdemo writes itself (note templates, labels, protocol and link names)
// hold nothing JSON must escape.
func TestOwnTextsNeedNoEscaping(t *testing.T) {
	var texts []string
	for _, tt := range noteTexts {
		texts = append(texts, tt[0], tt[1])
	}
	for _, w := range sideWords {
		texts = append(texts, w[0], w[1])
	}
	for _, lo := range labelOrder {
		texts = append(texts, lo.text)
	}
	for _, n := range etherTypeNames {
		texts = append(texts, n[0], n[1])
	}
	for _, m := range []map[uint16]string{pppProtoNames} {
		for _, n := range m {
			texts = append(texts, n)
		}
	}
	for _, n := range sapNames {
		texts = append(texts, n)
	}
	for _, n := range pppoeCodes {
		texts = append(texts, n)
	}
	for l := range 300 {
		texts = append(texts, linkTypeName(capfile.LinkType(l)))
	}
	for _, s := range texts {
		b := append([]byte(`"`), s...)
		if got := string(closeQuote(b, 1)); got != `"`+s+`"` {
			t.Errorf("%q needs escaping in JSON: %s", s, got)
		}
	}
}

func TestAppendUint(t *testing.T) {
	for _, v := range []uint64{0, 9, 10, 99, 100, 101, 999, 1000, 65535, 4294967295, 1<<64 - 1} {
		if got, want := string(appendUint(nil, v)), strconv.FormatUint(v, 10); got != want {
			t.Errorf("appendUint(%d) = %s", v, got)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		v := r.Uint64() >> uint(r.IntN(64))
		if got, want := string(appendUint(nil, v)), strconv.FormatUint(v, 10); got != want {
			t.Fatalf("appendUint(%d) = %s", v, got)
		}
	}
}
