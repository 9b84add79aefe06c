package demo

import (
	"context"
	"strings"
	"testing"
)

// Parse gives the web form the command line's own checks and messages.
func TestParseIsTheCommandLine(t *testing.T) {
	d := fake(func(ctx context.Context, r *Run) error { return nil })
	for _, args := range [][]string{{"--loss", "2"}, {"--bogus"}, {"extra"}, {"--lang", "fr"}} {
		_, want := Execute(context.Background(), d, args, IO{Out: &strings.Builder{}, Err: &strings.Builder{}})
		_, got := Parse(d, args)
		if got == nil || want == nil || got.Error() != want.Error() {
			t.Errorf("Parse(%q) = %v, Execute says %v", args, got, want)
		}
	}
	o, err := Parse(d, []string{"--loss=0.1", "--seed=3", "--lang=zh"})
	if err != nil || o.Link.Loss != 0.1 || o.Seed != 3 || o.Lang != "zh" {
		t.Fatalf("Parse = %+v, %v", o, err)
	}
	fs := FlagSet(d)
	if f := fs.Lookup("loss"); f == nil || f.DefValue != "0" {
		t.Errorf("FlagSet lacks --loss with its default: %+v", f)
	}
	if fs.Lookup("serve") != nil {
		t.Error("FlagSet offers --serve to a demo without servers")
	}
}
