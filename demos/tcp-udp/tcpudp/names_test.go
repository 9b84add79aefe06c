package tcpudp

import (
	"testing"

	"github.com/netdemo/netdemo/internal/tap"

	"github.com/netdemo/netdemo/internal/packet"
)

func TestOptionNamesMalformed(t *testing.T) {
	for _, in := range [][]byte{{8}, {8, 0}, {8, 1}, {2, 4, 5}} {
		got := optionNames(in)
		if got == "" {
			t.Errorf("optionNames(%v) = empty, want a description", in)
		}
	}
}

// FuzzOptionNames feeds arbitrary option bytes to the demo's own option
// walker (the header decoder itself is fuzzed in internal/packet): it must
// never panic and always say something.
func FuzzOptionNames(f *testing.F) {
	f.Add([]byte{2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7}, byte(packet.SYN))
	f.Add(timestamps, byte(packet.PSH|packet.ACK))
	f.Add([]byte{5, 10, 0, 0, 0, 1, 0, 0, 0, 2, 99}, byte(0))
	f.Fuzz(func(t *testing.T, opt []byte, flags byte) {
		if got := optionNames(opt); got == "" {
			t.Fatalf("optionNames(% x) = empty, want a description", opt)
		}
		if got := tap.FlagString(packet.Flags(flags & 0x3f)); got == "" {
			t.Fatalf("tap.FlagString(%#x) = empty", flags)
		}
	})
}
