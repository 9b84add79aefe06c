package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos"
)

var binary string

// TestMain builds the real binary once: the CLI is tested as users run it,
// with exit codes and the split between stdout and stderr.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "netdemo-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "netdemo")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		panic("building netdemo: " + err.Error() + "\n" + string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func netdemo(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "LANG=en_US.UTF-8", "LC_ALL=", "LC_MESSAGES=")
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("netdemo %v: %v", args, err)
	}
	return o.String(), e.String(), code
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		desc string
		args []string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, `netdemo: unknown command "frobnicate"`},
		{"unknown demo", []string{"run", "nope"}, `netdemo: no demo "nope"; the demos are: tcp-udp`},
		{"run without a name", []string{"run"}, "netdemo: run needs a demo name"},
		{"bad loss", []string{"run", "tcp-udp", "--loss", "2"}, "netdemo: --loss must be between 0 and 1, got 2"},
		{"explain bad lang", []string{"explain", "tls", "--lang", "fr"}, `netdemo: --lang must be en or zh, got "fr"`},
		{"tour with serve", []string{"tour", "--serve"}, "netdemo: --serve is for one demo"},
		{"bad loss, in Chinese", []string{"run", "tcp-udp", "--lang", "zh", "--loss", "2"}, "netdemo: --loss 必须在 0 到 1 之间，收到的是 2"},
		{"unknown flag, in Chinese", []string{"run", "tcp-udp", "--lang=zh", "--bogus"}, "netdemo: 没有 --bogus 这个参数"},
		{"a flag the demo does not take", []string{"run", "trace", "--serve"}, "netdemo: unknown flag --serve"},
	}
	for _, tt := range tests {
		out, errOut, code := netdemo(t, tt.args...)
		if code != 2 || !strings.HasPrefix(errOut, tt.want) || strings.Count(errOut, "\n") != 1 || out != "" {
			t.Errorf("%s: netdemo %v = exit %d, stderr %q, stdout %q; want exit 2 and one stderr line starting %q",
				tt.desc, tt.args, code, errOut, out, tt.want)
		}
	}
}

func TestList(t *testing.T) {
	out, _, code := netdemo(t, "list")
	if code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	for _, d := range demos.All() {
		for _, want := range []string{d.Name, d.Question.Zh, d.Question.En} {
			if !strings.Contains(out, want) {
				t.Errorf("list lacks %q", want)
			}
		}
	}
}

func TestExplainBothLanguages(t *testing.T) {
	for _, lang := range []string{"en", "zh"} {
		for _, d := range demos.All() {
			out, errOut, code := netdemo(t, "explain", d.Name, "--lang", lang)
			if code != 0 {
				t.Errorf("explain %s --lang %s: exit %d: %s", d.Name, lang, code, errOut)
				continue
			}
			if strings.Contains(out, "<!--") || strings.Contains(out, "\x1b[") {
				t.Errorf("explain %s --lang %s: markers or colour codes in plain output", d.Name, lang)
			}
			if i := strings.Index(out, "{{"); i >= 0 {
				t.Errorf("explain %s --lang %s: a raw placeholder in the output: %q", d.Name, lang, out[i:min(len(out), i+40)])
			}
		}
	}
	zh, _, _ := netdemo(t, "explain", "tcp-udp", "--lang", "zh")
	en, _, _ := netdemo(t, "explain", "tcp-udp", "--lang", "en")
	if zh == en {
		t.Error("explain --lang zh printed the same text as --lang en")
	}
}

func TestHelp(t *testing.T) {
	out, _, code := netdemo(t, "help")
	if code != 0 || !strings.Contains(out, "netdemo tour") || !strings.Contains(out, "netdemo run NAME") {
		t.Errorf("help: exit %d, %q", code, out)
	}
	out, _, code = netdemo(t, "run", "tcp-udp", "--help")
	if code != 0 || !strings.Contains(out, "-loss") || !strings.Contains(out, "go run ./demos/tcp-udp") {
		t.Errorf("run tcp-udp --help: exit %d, %q", code, out)
	}
}

// TestTourJSON runs the README's main command and checks that every demo
// ends with its result line, in tour order.
func TestTourJSON(t *testing.T) {
	if testing.Short() {
		t.Skip("the tour runs every demo; skipped in -short")
	}
	out, errOut, code := netdemo(t, "tour", "--json")
	if code != 0 {
		t.Fatalf("tour --json: exit %d\nstderr: %s", code, errOut)
	}
	var results []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("tour line is not JSON: %q", line)
		}
		if m["kind"] == "result" {
			results = append(results, m["demo"].(string))
		}
	}
	if got, want := strings.Join(results, " "), strings.Join(demos.Names(), " "); got != want {
		t.Errorf("tour results for %q, want %q", got, want)
	}
}
