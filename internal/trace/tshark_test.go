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

// expertLabels returns the TCP expert labels at the start of the Info
// column of a tshark-style line ("[TCP Retransmission] [TCP Dup ACK 5#1]"),
// and the frame number. tshark's "[TCP segment of a reassembled PDU]" is a
// reassembly note, not an expert label, and is left out.
func expertLabels(line string) (frame int, labels string) {
	fields := strings.Fields(line)
	if len(fields) == 0 {
		return 0, ""
	}
	for _, c := range fields[0] {
		if c < '0' || c > '9' {
			return 0, ""
		}
		frame = frame*10 + int(c-'0')
	}
	var out []string
	for rest := line; ; {
		i := strings.Index(rest, "[TCP ")
		if i < 0 {
			break
		}
		j := strings.IndexByte(rest[i:], ']')
		if j < 0 {
			break
		}
		if l := rest[i : i+j+1]; l != "[TCP segment of a reassembled PDU]" {
			out = append(out, l)
		}
		rest = rest[i+j+1:]
	}
	return frame, strings.Join(out, " ")
}

// lines splits output into lines; none for empty output.
func lines(s string) []string {
	if s = strings.TrimRight(s, "\n"); s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// TestCapturesAgainstTshark reads every capture of testdata (written by
// tcpdump, editcap, mergecap and text2pcap; see make-captures.sh) with
// tshark and with netdemo: the packet counts must be equal and the TCP
// expert labels of at least 99.5% of the frames the same.
func TestCapturesAgainstTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not on PATH: install it (apt-get install tshark) to compare with Wireshark")
	}
	files, err := filepath.Glob("testdata/*.pcap*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no captures in testdata: %v", err)
	}
	for _, path := range files {
		t.Run(filepath.Base(path), func(t *testing.T) {
			out, err := exec.Command(tshark, "-n", "-r", path).Output()
			if err != nil {
				t.Fatalf("tshark -r %s: %v", path, err)
			}
			theirs := lines(string(out))
			var buf bytes.Buffer
			sum, err := ReadFile(context.Background(), path, &buf, Options{})
			if err != nil {
				t.Fatal(err)
			}
			ours := lines(buf.String())
			if sum.Packets != len(theirs) || len(ours) != len(theirs) {
				t.Fatalf("packets: ours %d (%d lines), tshark %d", sum.Packets, len(ours), len(theirs))
			}
			agree, same := 0, 0
			for i := range theirs {
				fo, lo := expertLabels(ours[i])
				ft, lt := expertLabels(theirs[i])
				if fo == ft && lo == lt {
					agree++
				} else {
					t.Logf("frame %d: ours %q, tshark %q", ft, lo, lt)
				}
				if ours[i] == theirs[i] {
					same++
				}
			}
			t.Logf("%s: %d packets; TCP expert labels agree on %d (%.1f%%); lines identical %d",
				filepath.Base(path), len(theirs), agree, 100*float64(agree)/float64(len(theirs)), same)
			if agree*1000 < len(theirs)*995 {
				t.Errorf("labels agree on %d of %d frames, want at least 99.5%%", agree, len(theirs))
			}
		})
	}
}
