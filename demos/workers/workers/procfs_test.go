package workers

import "testing"

func TestParseKB(t *testing.T) {
	in := "55d4c0a00000-7ffd2b1f2000 ---p 00000000 00:00 0                          [rollup]\n" +
		"Rss:                5120 kB\nPss:                1234 kB\nThreads:\t7\nName:\tworkers\nVmSize:\t 1 2 kB\nBad:   -4 kB\n"
	m := parseKB(in)
	for k, want := range map[string]int{"Rss": 5120, "Pss": 1234, "Threads": 7} {
		if m[k] != want {
			t.Errorf("parseKB: %s = %d, want %d", k, m[k], want)
		}
	}
	for _, k := range []string{"Name", "VmSize", "Bad"} {
		if _, ok := m[k]; ok {
			t.Errorf("parseKB kept %s = %d, want it skipped", k, m[k])
		}
	}
}

// FuzzParseKB: /proc text is outside input; the parser never panics and
// never returns a negative size.
func FuzzParseKB(f *testing.F) {
	f.Add("Rss:  12 kB\nPss: 3 kB\n")
	f.Add("Threads:\t7\n")
	f.Add(":\n: kB\nx:y:z\n")
	f.Fuzz(func(t *testing.T, s string) {
		for k, v := range parseKB(s) {
			if v < 0 || k == "" {
				t.Fatalf("parseKB(%q): %q = %d", s, k, v)
			}
		}
	})
}

func FuzzParseLoadAvg(f *testing.F) {
	f.Add("0.52 0.58 0.59 1/467 12345\n")
	f.Add("NaN")
	f.Fuzz(func(t *testing.T, s string) {
		if v, ok := parseLoadAvg(s); ok && (v < 0 || v != v) {
			t.Fatalf("parseLoadAvg(%q) = %v", s, v)
		}
	})
}
