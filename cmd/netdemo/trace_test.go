package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/trace"
)

func writeCapture(t *testing.T, packets int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "synthetic.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := trace.WriteSyntheticCapture(f, packets, 1); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTraceRead(t *testing.T) {
	path := writeCapture(t, 200)
	out, errOut, code := netdemo(t, "trace", "read", path, "--lang", "en")
	if code != 0 {
		t.Fatalf("trace read: exit %d: %s", code, errOut)
	}
	for _, want := range []string{"[SYN]", "handshake 1/3"} {
		if !strings.Contains(out, want) {
			t.Errorf("trace read output lacks %q", want)
		}
	}
	zh, _, _ := netdemo(t, "trace", "read", "--lang", "zh", path)
	if !strings.Contains(zh, "握手") {
		t.Error("trace read --lang zh has no Chinese notes")
	}
}

func TestTraceReadBadInput(t *testing.T) {
	path := writeCapture(t, 50)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, b[:len(b)-30], 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := netdemo(t, "trace", "read", cut)
	if code != 1 || !strings.Contains(errOut, "packet 50") || strings.Count(errOut, "\n") != 1 {
		t.Errorf("truncated capture: exit %d, stderr %q; want exit 1 and one line naming packet 50", code, errOut)
	}
	if !strings.Contains(out, "[SYN]") {
		t.Errorf("truncated capture: the packets before the damage were not printed")
	}
	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"trace"}, 2, "netdemo: usage: netdemo trace read FILE"},
		{[]string{"trace", "read"}, 2, "netdemo: trace read needs a capture file"},
		{[]string{"trace", "read", filepath.Join(t.TempDir(), "missing.pcap")}, 1, "netdemo: "},
	} {
		_, errOut, code := netdemo(t, tt.args...)
		if code != tt.code || !strings.HasPrefix(errOut, tt.want) || strings.Count(errOut, "\n") != 1 {
			t.Errorf("netdemo %v: exit %d, stderr %q; want exit %d and one line starting %q", tt.args, code, errOut, tt.code, tt.want)
		}
	}
}

// TestTraceReadStdinAndJSON reads a capture from standard input ("-", as
// tshark -r -) and checks the --json result shape: the counts at the top
// level, as `netdemo run trace --json` has them, and the flows under
// flow_list.
func TestTraceReadStdinAndJSON(t *testing.T) {
	path := writeCapture(t, 200)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(binary, "trace", "read", "-", "--json")
	cmd.Stdin = f
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("trace read - --json: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	var res map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		t.Fatal(err)
	}
	list, _ := res["flow_list"].([]any)
	if res["kind"] != "result" || res["packets"] != 200.0 || len(lines) != 201 {
		t.Errorf("result %v after %d lines, want 200 packets", res, len(lines))
	}
	if n, _ := res["flows"].(float64); n < 1 || int(n) != len(list) {
		t.Errorf("flows = %v with %d entries in flow_list, want the same number", res["flows"], len(list))
	}
}

// TestTraceReadAnnotate: --annotate writes the capture again as pcapng
// whose packet comments are the notes (read back with our own reader, and
// with tshark when it is installed).
func TestTraceReadAnnotate(t *testing.T) {
	path := writeCapture(t, 50)
	out := filepath.Join(t.TempDir(), "annotated.pcapng")
	if _, errOut, code := netdemo(t, "trace", "read", path, "--annotate", out); code != 0 {
		t.Fatalf("trace read --annotate: exit %d: %s", code, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 4 || string(b[:4]) != "\x0a\x0d\x0d\x0a" || !strings.Contains(string(b), "handshake 1/3") {
		t.Fatalf("%s is not a pcapng carrying the notes (%d bytes)", out, len(b))
	}
	if _, _, code := netdemo(t, "trace", "read", "-", "--annotate", out); code != 2 {
		t.Errorf("--annotate with standard input: exit %d, want 2", code)
	}
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark not installed: apt-get install tshark")
	}
	c, err := exec.Command(tshark, "-r", out, "-T", "fields", "-e", "frame.comment").Output()
	if err != nil || !strings.Contains(string(c), "handshake 1/3") {
		t.Errorf("tshark reads no note from %s: %v\n%s", out, err, c)
	}
}
