package httptcp_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

// TestPcapWithTshark checks the README's promise that Wireshark reads the
// h2c frames straight from --pcap, and that the capture holds one SYN per
// connection the demo said it opened.
func TestPcapWithTshark(t *testing.T) {
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not on PATH; CI installs it")
	}
	pcap := filepath.Join(t.TempDir(), "h.pcap")
	o := demotest.Run(t, demos.Lookup("http-tcp"), "--seed", "1", "--pcap", pcap)

	out, err := exec.Command(tshark, "-r", pcap, "-Y", "tcp.flags.syn==1 && tcp.flags.ack==0").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	syns := len(strings.Split(strings.TrimSpace(string(out)), "\n"))
	// The raw exchange, every round of keep-alive and close, HTTP/2 over
	// TLS, h2c.
	want := 1 + o.Num(t, "h2_connections") + measured(t, o, "h2c_connections")
	for _, e := range o.Kind("round") {
		want += e["handshakes"].(float64)
	}
	if float64(syns) != want {
		t.Errorf("tshark counts %d SYNs in the pcap, the run reported %v connections", syns, want)
	}

	// Decode port 80 as HTTP/2: the h2c client's HEADERS frames appear
	// with their stream ids (HTTP/1.1 on that port simply fails to decode).
	out, err = exec.Command(tshark, "-r", pcap, "-d", "tcp.port==80,http2", "-Y", "tcp.dstport==80 && http2.type==1",
		"-T", "fields", "-e", "http2.type", "-e", "http2.streamid").Output()
	if err != nil {
		t.Fatalf("tshark decoding http2: %v", err)
	}
	streams := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 2 {
			continue
		}
		types, ids := strings.Split(f[0], ","), strings.Split(f[1], ",")
		if len(types) != len(ids) {
			continue
		}
		for i := range types {
			if types[i] == "1" {
				streams[ids[i]] = true
			}
		}
	}
	if len(streams) != 5 {
		t.Errorf("tshark found client HEADERS on streams %v, want 5 streams (1, 3, 5, 7, 9)\n%s", streams, out)
	}
}
