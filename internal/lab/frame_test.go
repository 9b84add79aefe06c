package lab

import (
	"github.com/netdemo/netdemo/internal/netx"
	"regexp"
	"strings"
	"testing"
)

func TestFrameString(t *testing.T) {
	l := newTestLab(t, Config{})
	r := record(l)
	transfer(t, l, 10)
	if _, err := blastUDP(l, netx.ServerToClient, 1); err != nil {
		t.Fatal(err)
	}
	frames := r.all()
	var udp Frame // the datagram; TCP's goodbyes may come after it
	for _, f := range frames {
		if _, ok := udpPayload(f.Data); ok {
			udp = f
		}
	}
	tests := []struct {
		desc  string
		frame Frame
		want  string // a regular expression
	}{
		{"SYN", frames[0], `^#1 client→server 192\.0\.2\.1:\d+ > 192\.0\.2\.2:\d+ TCP \[S\] seq=\d+ win=\d+ len=0 delivered$`},
		{"SYN-ACK", frames[1], `^#2 server→client 192\.0\.2\.2:\d+ > 192\.0\.2\.1:\d+ TCP \[S\.\] seq=\d+ ack=\d+ win=\d+ len=0 delivered$`},
		{"UDP", udp, `server→client 192\.0\.2\.2:\d+ > 192\.0\.2\.1:\d+ UDP len=16 delivered$`},
		{"garbage", Frame{N: 9, Data: []byte{1, 2, 3}, Fate: Dropped}, `^#9 client→server 3 bytes, not IPv4 dropped$`},
	}
	for _, tt := range tests {
		if got := tt.frame.String(); !regexp.MustCompile(tt.want).MatchString(got) {
			t.Errorf("%s: Frame.String() = %q, want a match for %s", tt.desc, got, tt.want)
		}
	}
	var payload bool
	for _, f := range frames {
		payload = payload || strings.Contains(f.String(), "[P.]") && strings.Contains(f.String(), "len=10")
	}
	if !payload {
		t.Errorf("no frame reads [P.] ... len=10, want the 10-byte write")
	}
}
