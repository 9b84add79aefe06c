package trace

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAgainstTshark compares our counts with tshark's on a synthetic
// capture with losses: the same number of packets, and retransmissions and
// duplicate ACKs within 10%. It also checks that most lines are identical.
func TestAgainstTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not on PATH: install it (apt-get install tshark) to compare with Wireshark")
	}
	if testing.Short() {
		t.Skip("slow: runs tshark")
	}
	path := filepath.Join(t.TempDir(), "synthetic.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteSyntheticCapture(f, 20000, 7); err != nil {
		t.Fatal(err)
	}
	f.Close()

	var ours bytes.Buffer
	sum, err := ReadFile(context.Background(), path, &ours, Options{})
	if err != nil {
		t.Fatal(err)
	}
	run := func(args ...string) []string {
		out, err := exec.Command(tshark, append([]string{"-r", path}, args...)...).Output()
		if err != nil {
			t.Fatalf("tshark %v: %v", args, err)
		}
		return strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	}
	theirs := run()
	retrans := len(run("-Y", "tcp.analysis.retransmission || tcp.analysis.fast_retransmission"))
	dups := len(run("-Y", "tcp.analysis.duplicate_ack"))
	if len(theirs) != sum.Packets {
		t.Errorf("packets: ours %d, tshark %d", sum.Packets, len(theirs))
	}
	within := func(what string, ours, theirs int) {
		if d := ours - theirs; d*10 > theirs || -d*10 > theirs || theirs == 0 {
			t.Errorf("%s: ours %d, tshark %d (more than 10%% apart)", what, ours, theirs)
		} else {
			t.Logf("%s: ours %d, tshark %d", what, ours, theirs)
		}
	}
	within("retransmissions", sum.Retransmissions, retrans)
	within("duplicate ACKs", sum.DupACKs, dups)

	same := 0
	ourLines := strings.Split(strings.TrimRight(ours.String(), "\n"), "\n")
	for i := range min(len(ourLines), len(theirs)) {
		if ourLines[i] == theirs[i] {
			same++
		}
	}
	t.Logf("identical lines: %d of %d", same, len(theirs))
	if same*100 < len(theirs)*99 {
		t.Errorf("only %d of %d lines identical to tshark's", same, len(theirs))
	}
}
