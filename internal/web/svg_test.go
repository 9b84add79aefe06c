package web

import (
	"encoding/xml"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/event"
)

// wellFormed parses s as XML, as a browser parses inline SVG's structure.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
	}
}

var (
	groupRE = regexp.MustCompile(`(?s)<g class="([^"]*)" data-flags="([^"]*)" data-fate="([^"]*)" data-n="(\d+)">(.*?)</g>`)
	lineRE  = regexp.MustCompile(`<line x1="([-\d.]+)" y1="([-\d.]+)" x2="([-\d.]+)" y2="([-\d.]+)"/>`)
)

func TestLadder(t *testing.T) {
	f := event.NewFrames("hs", "The <handshake>", "client", "server")
	f.Frames = append(f.Frames,
		event.Frame{N: 1, TMs: 0, From: "client", To: "server", Proto: "TCP", Flags: "SYN", Fate: "dropped"},
		event.Frame{N: 2, TMs: 1000, From: "client", To: "server", Proto: "TCP", Flags: "SYN", Fate: "delivered", Retransmission: true},
		event.Frame{N: 3, TMs: 1020, From: "server", To: "client", Proto: "TCP", Flags: "SYN,ACK", Fate: "delivered"},
		event.Frame{N: 4, TMs: 1040, From: "client", To: "server", Proto: "TCP", Flags: "ACK", Fate: "delivered"},
		event.Frame{N: 5, TMs: 1040.1, From: "client", To: "server", Proto: "TCP", Flags: "PSH ACK", Payload: 100, Fate: "duplicated"},
		event.Frame{N: 6, TMs: 1041, From: "client", To: "elsewhere", Proto: "UDP", Payload: 8, Fate: "delivered"},
	)
	svg := Ladder(f)
	wellFormed(t, svg)
	groups := groupRE.FindAllStringSubmatch(svg, -1)
	if len(groups) != 6 {
		t.Fatalf("%d frame groups, want 6:\n%s", len(groups), svg)
	}
	type drawn struct {
		cls, flags, fate, inner string
		x1, y1, x2, y2          float64
	}
	var ds []drawn
	for _, g := range groups {
		m := lineRE.FindStringSubmatch(g[5])
		if m == nil {
			t.Fatalf("frame %s has no line: %s", g[4], g[5])
		}
		v := func(i int) float64 { x, _ := strconv.ParseFloat(m[i], 64); return x }
		ds = append(ds, drawn{g[1], g[2], g[3], g[5], v(1), v(2), v(3), v(4)})
	}
	// Flags are named as people say them.
	if ds[2].flags != "SYN-ACK" || !strings.Contains(ds[2].inner, "SYN-ACK len=0") {
		t.Errorf("frame 3 = %+v, want SYN-ACK", ds[2])
	}
	// A dropped frame stops short at a cross, with no arrowhead.
	if !strings.Contains(ds[0].cls, "dropped") || !strings.Contains(ds[0].inner, `class="cross"`) || strings.Contains(ds[0].inner, `class="head"`) {
		t.Errorf("dropped frame drawn as %+v", ds[0])
	}
	full := ds[1].x2 - ds[1].x1
	if got := ds[0].x2 - ds[0].x1; got <= 0 || got >= full*0.6 {
		t.Errorf("the dropped arrow crosses %.0f of %.0f units; want it to stop short", got, full)
	}
	// A retransmission is marked, in its class and its label.
	if !strings.Contains(ds[1].cls, "retx") || !strings.Contains(ds[1].inner, "↻") {
		t.Errorf("retransmission drawn as %+v", ds[1])
	}
	// Time goes down to scale: the 20 ms between frames 2, 3 and 4 are
	// equal steps, and the second before them is 50 times one.
	step := ds[2].y1 - ds[1].y1
	if math.Abs((ds[3].y1-ds[2].y1)-step) > 0.2 || step <= 0 {
		t.Errorf("y steps %.1f and %.1f for two 20 ms gaps", step, ds[3].y1-ds[2].y1)
	}
	if r := (ds[1].y1 - ds[0].y1) / step; math.Abs(r-50) > 0.5 {
		t.Errorf("1000 ms drawn %.1f times as long as 20 ms, want 50", r)
	}
	// Right to left for the server's frame; a host not listed gets a column.
	if ds[2].x2 >= ds[2].x1 {
		t.Errorf("SYN-ACK drawn left to right: %+v", ds[2])
	}
	if !strings.Contains(svg, ">elsewhere</text>") || ds[5].x2 <= ds[3].x2 {
		t.Errorf("the unlisted host has no column of its own")
	}
	// Crowded frames 4 and 5 (0.1 ms apart) both keep a label; the
	// second moves below, numbered.
	if !strings.Contains(ds[4].inner, "#5 PSH ACK len=100 ×2") {
		t.Errorf("crowded frame 5's label: %s", ds[4].inner)
	}
	if !strings.Contains(svg, "The &lt;handshake&gt;") {
		t.Errorf("the title is not escaped")
	}
}

func TestLadderEdgeCases(t *testing.T) {
	for _, f := range []*event.Frames{
		event.NewFrames("empty", ""),
		{Head: event.Head{Kind: "frames"}, ID: "one", Hosts: []string{"a"}, Frames: []event.Frame{{N: 1, From: "a", To: "a"}}},
		{Head: event.Head{Kind: "frames"}, ID: "same-time", Hosts: []string{"a", "b"}, Frames: []event.Frame{{N: 1, From: "a", To: "b"}, {N: 2, From: "b", To: "a"}}},
		{Head: event.Head{Kind: "frames"}, ID: "bad-times", Hosts: []string{"a", "b"}, Frames: []event.Frame{{N: 1, TMs: math.NaN(), From: "a", To: "b"}, {N: 2, TMs: math.Inf(1), From: "b", To: "a"}, {N: 3, TMs: -5, From: "a", To: "b"}}},
	} {
		svg := Ladder(f)
		wellFormed(t, svg)
		if strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
			t.Errorf("%s: %s", f.ID, svg)
		}
	}
}

func TestChart(t *testing.T) {
	c := event.NewChart("cost", "select vs epoll", event.Axis{Label: "connections", Log: true}, event.Axis{Label: "p99", Unit: "µs"}).
		Add("select", event.Point{X: 10, Y: 3}, event.Point{X: 100, Y: 30}, event.Point{X: 1000, Y: 300}).
		Add("epoll <fast>", event.Point{X: 0, Y: 1}, event.Point{X: 10, Y: 2}, event.Point{X: 1000, Y: 2.5}, event.Point{X: math.NaN(), Y: 1})
	svg := Chart(c)
	wellFormed(t, svg)
	for _, want := range []string{">10<", ">100<", ">1000<", "connections · log", "p99 (µs)", "epoll &lt;fast&gt;", `data-series="select"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %q", want)
		}
	}
	// On a log axis, 10 → 100 → 1000 are equal steps; x = 0 and NaN are left out.
	m := regexp.MustCompile(`data-series="select"><polyline [^>]*points="([^"]*)"`).FindStringSubmatch(svg)
	if m == nil {
		t.Fatalf("no select line: %s", svg)
	}
	var xs []float64
	for _, p := range strings.Fields(m[1]) {
		x, _ := strconv.ParseFloat(strings.Split(p, ",")[0], 64)
		xs = append(xs, x)
	}
	if len(xs) != 3 || math.Abs((xs[1]-xs[0])-(xs[2]-xs[1])) > 0.2 {
		t.Errorf("log x positions %v, want equal steps", xs)
	}
	if n := strings.Count(svg, "<circle"); n != 5 {
		t.Errorf("%d points drawn, want 5 (x=0 and NaN cannot be on a log axis)", n)
	}
	wellFormed(t, Chart(event.NewChart("empty", "", event.Axis{}, event.Axis{})))
}

// A linear y axis reaches the round ticks around its data: the highest
// value is under a labelled line, not above the last one.
func TestChartYAxisCoversItsData(t *testing.T) {
	c := event.NewChart("hol", "each stream's completion time", event.Axis{Label: "stream"}, event.Axis{Label: "done", Unit: "ms"}).
		Add("HTTP/2", event.Point{X: 1, Y: 486}, event.Point{X: 2, Y: 485}).
		Add("HTTP/3", event.Point{X: 1, Y: 408}, event.Point{X: 2, Y: 228})
	svg := Chart(c)
	wellFormed(t, svg)
	for _, want := range []string{">200<", ">300<", ">400<", ">500<"} {
		if !strings.Contains(svg, `text-anchor="end">`+want[1:]) {
			t.Errorf("the y axis lacks the tick %s", want)
		}
	}
	top := regexp.MustCompile(`<line class="grid" x1="[^"]*" y1="([^"]*)"`).FindAllStringSubmatch(svg, -1)
	if len(top) == 0 {
		t.Fatal("no grid lines")
	}
	for _, m := range regexp.MustCompile(`<circle cx="[^"]*" cy="([^"]*)"`).FindAllStringSubmatch(svg, -1) {
		y, _ := strconv.ParseFloat(m[1], 64)
		if y < chartT-0.1 || y > chartH-chartB+0.1 {
			t.Errorf("a point at y=%v is outside the plot [%v, %v]", y, chartT, chartH-chartB)
		}
	}
}

// A demo may write more than flag names in Flags (tcp-life writes the
// window and Wireshark's label after them): the flag names are normalised,
// the rest is kept as written and not repeated.
func TestFrameLabelKeepsTheDemosWords(t *testing.T) {
	tests := []struct {
		fr          event.Frame
		flags, want string
	}{
		{event.Frame{Proto: "TCP", Flags: "ACK len=1420", Payload: 1420}, "ACK", "ACK len=1420"},
		{event.Frame{Proto: "TCP", Flags: "ACK win=0 [TCP ZeroWindow]"}, "ACK", "ACK win=0 [TCP ZeroWindow] len=0"},
		{event.Frame{Proto: "TCP", Flags: "SYN, ACK seq is a SYN cookie"}, "SYN-ACK", "SYN-ACK seq is a SYN cookie len=0"},
		{event.Frame{Proto: "TCP", Flags: "psh,ack", Payload: 72}, "PSH ACK", "PSH ACK len=72"},
		{event.Frame{Proto: "TCP", Flags: "FIN ACK", Retransmission: true}, "FIN-ACK", "FIN-ACK len=0 ↻"},
		{event.Frame{Proto: "UDP", Payload: 8}, "", "UDP len=8"},
		{event.Frame{Proto: "TCP", Flags: "ACK", Note: "win=0 [TCP ZeroWindow]"}, "ACK", "ACK win=0 [TCP ZeroWindow] len=0"},
	}
	for _, tt := range tests {
		if got := normFlags(tt.fr.Flags); got != tt.flags {
			t.Errorf("normFlags(%q) = %q, want %q", tt.fr.Flags, got, tt.flags)
		}
		if got := frameLabel(tt.fr); got != tt.want {
			t.Errorf("frameLabel(%q) = %q, want %q", tt.fr.Flags, got, tt.want)
		}
	}
}
