package explain

import (
	"reflect"
	"strings"
	"testing"
)

const sample = `# TCP vs UDP

<!-- section: question -->
## The question

udp和tcp的区别

<!-- section: short -->
## Short

TCP is a stream.

<!-- section: deep -->
## Deeper

Intro.

<!-- step: handshake -->
### 1. Handshake

SYN, SYN-ACK, ACK.

<!-- step: loss -->
### 2. Loss

Some **datagrams** vanish; see ` + "`--loss`" + `.

### Not a step

After.

<!-- section: saw -->
## What you just saw

TCP resent {{tcp.retransmissions}} segments in {{tcp_connect_ms}} ms.

<!-- section: wrong -->
## Wrong

x

<!-- section: followup -->
## Follow-up

y

<!-- section: refs -->
## References

RFC 9293.
`

func TestParse(t *testing.T) {
	d, err := Parse(sample)
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "TCP vs UDP" {
		t.Errorf("Title = %q, want %q", d.Title, "TCP vs UDP")
	}
	if m := d.Missing(); len(m) != 0 {
		t.Errorf("Missing() = %v, want none", m)
	}
	if !reflect.DeepEqual(d.Order, Required) {
		t.Errorf("Order = %v, want %v", d.Order, Required)
	}
	tests := []struct {
		desc, step, want, notWant string
	}{
		{"first step ends at the next step marker", "handshake", "SYN, SYN-ACK, ACK.", "Loss"},
		{"last step ends at the next heading", "loss", "vanish", "After."},
	}
	for _, tt := range tests {
		got := d.Steps[tt.step]
		if !strings.Contains(got, tt.want) || strings.Contains(got, tt.notWant) {
			t.Errorf("%s: Steps[%q] = %q, want it to contain %q and not %q", tt.desc, tt.step, got, tt.want, tt.notWant)
		}
	}
	if got := d.Body("short"); got != "TCP is a stream." {
		t.Errorf("Body(short) = %q", got)
	}
}

func TestParseRejectsDuplicates(t *testing.T) {
	for _, md := range []string{
		"<!-- section: saw -->\n## a\n<!-- section: saw -->\n## b\n",
		"<!-- section: deep -->\n<!-- step: x -->\na\n<!-- step: x -->\nb\n",
	} {
		if _, err := Parse(md); err == nil {
			t.Errorf("Parse(%q) = nil error, want a duplicate error", md)
		}
	}
}

func TestMissing(t *testing.T) {
	d, err := Parse("# t\n<!-- section: short -->\n## s\n\nyes\n")
	if err != nil {
		t.Fatal(err)
	}
	got := d.Missing()
	if len(got) != len(Required)-1 || got[0] != "question" {
		t.Errorf("Missing() = %v, want every required id but short", got)
	}
}

func TestFill(t *testing.T) {
	vals := map[string]any{}
	Flatten("", map[string]any{"tcp": map[string]any{"retransmissions": float64(7)}}, vals)
	vals["tcp_connect_ms"] = 40.123
	got, missing := Fill("a {{tcp.retransmissions}} b {{ tcp_connect_ms }} c {{nope}}", vals)
	if want := "a 7 b 40.1 c {{nope}}"; got != want {
		t.Errorf("Fill = %q, want %q", got, want)
	}
	if !reflect.DeepEqual(missing, []string{"nope"}) {
		t.Errorf("missing = %v, want [nope]", missing)
	}
	if p := Placeholders(sample); !reflect.DeepEqual(p, []string{"tcp.retransmissions", "tcp_connect_ms"}) {
		t.Errorf("Placeholders = %v", p)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		in   any
		want string
	}{
		{float64(3), "3"}, {2.345, "2.35"}, {12.34, "12.3"}, {1234.5, "1234"}, {true, "true"}, {nil, "—"}, {"x", "x"},
	}
	for _, tt := range tests {
		if got := Format(tt.in); got != tt.want {
			t.Errorf("Format(%v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sample)
	f.Add("<!-- section: a -->\n<!-- step: b -->\n# x\n{{y}}")
	f.Fuzz(func(t *testing.T, md string) {
		d, err := Parse(md)
		if err != nil {
			return
		}
		for id := range d.Steps {
			if id == "" {
				t.Errorf("empty step id from %q", md)
			}
		}
		Fill(md, map[string]any{})
	})
}
