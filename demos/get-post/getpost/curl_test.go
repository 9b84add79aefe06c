package getpost_test

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos/get-post/getpost"
)

// readmeCurl returns the curl lines of an explanation file.
func readmeCurl(t *testing.T, file string) []string {
	t.Helper()
	b, err := os.ReadFile("../" + file)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "curl ") {
			out = append(out, sc.Text())
		}
	}
	return out
}

// TestReadmeCurlMatchesServe: the commands the READMEs show are exactly the
// ones --serve prints (for the default address).
func TestReadmeCurlMatchesServe(t *testing.T) {
	var want []string
	for _, c := range getpost.TryCommands {
		want = append(want, c.Line("http://127.0.0.1:8080"))
	}
	for _, f := range []string{"README.md", "README.zh.md"} {
		got := readmeCurl(t, f)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s curl commands:\n%s\nwant (from TryCommands):\n%s", f, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// TestCurlCommands runs the README's curl commands, as written, against
// --serve (on a free port instead of 8080).
func TestCurlCommands(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl is not on PATH; install curl to run the README's commands")
	}
	base := startServe(t)
	lines := readmeCurl(t, "README.md")
	if len(lines) != len(getpost.TryCommands) {
		t.Fatalf("README has %d curl lines, want %d", len(lines), len(getpost.TryCommands))
	}
	for i, line := range lines {
		args, err := shellSplit(strings.ReplaceAll(strings.TrimPrefix(line, "curl "), "http://127.0.0.1:8080", base))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		out, err := exec.Command("curl", append([]string{"-sS", "--max-time", "30"}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		status, _, _ := strings.Cut(string(out), "\r\n")
		want := getpost.TryCommands[i].Want
		if f := strings.Fields(status); len(f) < 2 || f[1] != strconv.Itoa(want) {
			t.Errorf("%s: status line %q, want %d", line, status, want)
		}
		if i == 1 && !strings.Contains(strings.ToLower(string(out)), "idempotent-replayed: true") {
			t.Errorf("%s: no Idempotent-Replayed: true in\n%s", line, out)
		}
	}
}

// shellSplit splits a command line the way sh does for the quoting the
// README uses: single quotes and plain words.
func shellSplit(s string) ([]string, error) {
	var out []string
	var cur strings.Builder
	inWord, inQuote := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case inQuote && c == '\'':
			inQuote = false
		case inQuote:
			cur.WriteByte(c)
		case c == '\'':
			inQuote, inWord = true, true
		case c == ' ':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteByte(c)
			inWord = true
		}
	}
	if inQuote {
		return nil, errUnclosed
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out, nil
}

var errUnclosed = errors.New("unclosed single quote")
