package event

import (
	"reflect"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	tab := NewTable("delivery", "", "sent", "latency|ms").Row("TCP", 1.5).Row("UDP", nil)
	fr := NewFrames("handshake", "", "client", "server")
	fr.Frames = append(fr.Frames, Frame{N: 1, From: "client", To: "server", Proto: "TCP", Flags: "SYN", Len: 60, Fate: "dropped"})
	ch := NewChart("lat", "", Axis{Label: "message"}, Axis{Label: "latency", Unit: "ms"}).Add("tcp", Point{1, 2})
	for _, e := range []Event{
		&Start{Head: Head{Kind: "start"}, Title: "T", Question: Text{Zh: "问", En: "q"}, Lang: "zh", Seed: 3},
		NewStep(1, "echo", "Echo", "text"),
		NewSay("  hello", true),
		NewMeasure("tcp_reads", 1.0, "calls"),
		tab, fr, ch,
		NewExplain("saw", "x", []string{"a"}),
		NewResult(map[string]any{"tcp": map[string]any{"sent": 5.0}}),
		NewCustom("packet", map[string]any{"n": 1.0}),
	} {
		Stamp(e, "tcp-udp", 7)
		b, err := Marshal(e)
		if err != nil {
			t.Fatalf("%T: Marshal: %v", e, err)
		}
		if !strings.Contains(string(b), `"seq":7`) || !strings.Contains(string(b), `"demo":"tcp-udp"`) {
			t.Errorf("%T: %s lacks seq or demo", e, b)
		}
		back, err := Decode(b)
		if err != nil {
			t.Fatalf("%T: Decode(%s): %v", e, b, err)
		}
		if !reflect.DeepEqual(back, e) {
			t.Errorf("%T: round trip = %#v, want %#v", e, back, e)
		}
	}
}

func TestResultFieldsBesideKind(t *testing.T) {
	e := NewResult(map[string]any{"packets": 17})
	Stamp(e, "trace", 2)
	b, _ := Marshal(e)
	if got, want := string(b), `{"demo":"trace","kind":"result","packets":17,"seq":2}`; got != want {
		t.Fatalf("Marshal(result) = %s, want %s", got, want)
	}
}
