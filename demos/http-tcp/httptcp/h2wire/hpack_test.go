package h2wire_test

import (
	"encoding/hex"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos/http-tcp/httptcp/h2wire"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The vectors are the request examples of RFC 7541 Appendix C.
func TestRepresentations(t *testing.T) {
	I, L := h2wire.Indexed, h2wire.LiteralIndexed
	tests := []struct {
		desc  string
		block string
		want  []h2wire.Rep
	}{
		{"C.3.1 first request: :authority is a literal, added to the table",
			"8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
			[]h2wire.Rep{{I, 2, 1}, {I, 6, 1}, {I, 4, 1}, {L, 1, 17}}},
		{"C.3.2 second request: :authority is dynamic index 62",
			"8286 84be 5808 6e6f 2d63 6163 6865",
			[]h2wire.Rep{{I, 2, 1}, {I, 6, 1}, {I, 4, 1}, {I, 62, 1}, {L, 24, 10}}},
		{"C.3.3 third request: a new name as a literal",
			"8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
			[]h2wire.Rep{{I, 2, 1}, {I, 7, 1}, {I, 5, 1}, {I, 63, 1}, {L, 0, 25}}},
		{"C.4.1 Huffman-coded value",
			"8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
			[]h2wire.Rep{{I, 2, 1}, {I, 6, 1}, {I, 4, 1}, {L, 1, 14}}},
		{"table size update to 4096, then never-indexed and unindexed literals",
			"3fe11f 1f0303616263 0f0303616263",
			[]h2wire.Rep{{h2wire.SizeUpdate, 4096, 3}, {h2wire.LiteralNeverIndexed, 15 + 3, 6}, {h2wire.LiteralUnindexed, 15 + 3, 6}}},
	}
	for _, tt := range tests {
		got, err := h2wire.Representations(unhex(t, tt.block))
		if err != nil {
			t.Errorf("%s: Representations error %v, want none", tt.desc, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Representations = %v, want %v", tt.desc, got, tt.want)
		}
	}
}

func TestRepresentationsErrors(t *testing.T) {
	for _, tt := range []struct{ desc, block string }{
		{"index 0 is invalid (RFC 7541 §6.1)", "80"},
		{"literal cut off after its first byte", "41"},
		{"integer continuation missing", "ff"},
		{"string longer than the block", "410a6162"},
		{"integer too large", "ffffffffffffffffffffff01"},
	} {
		if _, err := h2wire.Representations(unhex(t, tt.block)); err == nil {
			t.Errorf("%s: Representations(%s) = no error, want one", tt.desc, tt.block)
		}
	}
}

func ExampleRepresentations() {
	// The second request of RFC 7541 C.3: GET http://www.example.com/ again,
	// with cache-control: no-cache.
	block, _ := hex.DecodeString("828684be58086e6f2d6361636865")
	reps, _ := h2wire.Representations(block)
	for _, r := range reps {
		fmt.Println(r)
	}
	// Output:
	// static #2, 1 B
	// static #6, 1 B
	// static #4, 1 B
	// dynamic #62, 1 B
	// literal, name static #24, added to table, 10 B
}

func FuzzRepresentations(f *testing.F) {
	for _, s := range []string{"828684410f7777772e6578616d706c652e636f6d", "828684be58086e6f2d6361636865", "3fe11f", "ff", ""} {
		b, _ := hex.DecodeString(s)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, block []byte) {
		reps, err := h2wire.Representations(block)
		sum := 0
		for _, r := range reps {
			if r.Len <= 0 {
				t.Fatalf("representation %v has length %d", r, r.Len)
			}
			sum += r.Len
		}
		if err == nil && sum != len(block) {
			t.Fatalf("representations cover %d of %d bytes with no error", sum, len(block))
		}
		if sum > len(block) {
			t.Fatalf("representations cover %d bytes, more than the block's %d", sum, len(block))
		}
	})
}
