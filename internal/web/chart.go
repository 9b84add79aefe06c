package web

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/netdemo/netdemo/internal/event"
)

// Chart plot area, in SVG user units.
const (
	chartW, chartH = 720.0, 360.0
	chartL, chartR = 70.0, 40.0
	chartT, chartB = 36.0, 56.0
)

// seriesColours are told apart by people with the common colour
// blindnesses (the Okabe–Ito palette).
var seriesColours = []string{"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"}

// scale maps data values to a pixel range, linearly or by log10.
type scale struct {
	lo, hi   float64 // data range (log10 of it when log)
	p0, p1   float64 // pixel range
	log      bool
	ok       bool
	min, max float64 // data range as given
}

func newScale(vals []float64, log bool, p0, p1 float64) scale {
	s := scale{p0: p0, p1: p1, log: log, min: math.Inf(1), max: math.Inf(-1)}
	for _, v := range vals {
		if !usable(v, log) {
			continue
		}
		s.min, s.max = math.Min(s.min, v), math.Max(s.max, v)
	}
	if s.min > s.max {
		s.min, s.max = 0, 1
	} else {
		s.ok = true
	}
	if !log && s.min > 0 && s.min < s.max/3 {
		s.min = 0 // start at zero unless the values sit far from it
	}
	if s.min == s.max {
		if log {
			s.min, s.max = s.min/10, s.max*10
		} else {
			s.min, s.max = s.min-1, s.max+1
		}
	}
	s.lo, s.hi = s.min, s.max
	if log {
		s.lo, s.hi = math.Log10(s.min), math.Log10(s.max)
	}
	return s
}

// rounded widens a linear scale to the round ticks around its data, so
// that the highest and lowest values sit on or inside a labelled line
// (times of 228 to 486 ms get an axis of 200 to 500, not one whose top
// has no number).
func (s scale) rounded() scale {
	if s.log || !s.ok {
		return s
	}
	t := niceTicks(s.min, s.max, 5)
	if len(t) < 2 {
		return s
	}
	step := t[1] - t[0]
	s.min = math.Floor(s.min/step+1e-9) * step
	s.max = math.Ceil(s.max/step-1e-9) * step
	s.lo, s.hi = s.min, s.max
	return s
}

func usable(v float64, log bool) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!log || v > 0)
}

func (s scale) at(v float64) float64 {
	if s.log {
		v = math.Log10(v)
	}
	return s.p0 + (v-s.lo)/(s.hi-s.lo)*(s.p1-s.p0)
}

func (s scale) ticks() []float64 {
	if !s.log {
		return niceTicks(s.min, s.max, 5)
	}
	var out []float64
	for e := math.Floor(s.lo); e <= math.Ceil(s.hi) && len(out) < 20; e++ {
		if e >= s.lo-1e-9 && e <= s.hi+1e-9 {
			out = append(out, math.Pow(10, e))
		}
	}
	if len(out) < 2 {
		return []float64{s.min, s.max}
	}
	return out
}

func axisTitle(a event.Axis) string {
	t := a.Label
	if a.Unit != "" {
		t += " (" + a.Unit + ")"
	}
	if a.Log {
		t += " · log"
	}
	return t
}

// Chart draws a chart event as a line chart: one line per series, a dot
// per point, axes with round ticks (powers of ten on a log axis) and a
// legend. Values a log axis cannot show (zero, negative) are left out.
func Chart(c *event.Chart) string {
	var xs, ys []float64
	for _, s := range c.Series {
		for _, p := range s.Points {
			xs = append(xs, p.X)
			ys = append(ys, p.Y)
		}
	}
	sx := newScale(xs, c.X.Log, chartL, chartW-chartR)
	sy := newScale(ys, c.Y.Log, chartH-chartB, chartT).rounded()
	var b strings.Builder
	title := c.Title
	if title == "" {
		title = c.ID
	}
	fmt.Fprintf(&b, `<figure class="chart-fig"><svg class="chart" data-chart="%s" viewBox="0 0 %s %s" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(c.ID), num(chartW), num(chartH), html.EscapeString(title))
	// Grid and ticks.
	for _, t := range sy.ticks() {
		y := sy.at(t)
		fmt.Fprintf(&b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(chartL), num(y), num(chartW-chartR), num(y))
		fmt.Fprintf(&b, `<text class="tlabel" x="%s" y="%s" text-anchor="end">%s</text>`, num(chartL-6), num(y+4), tickLabel(t))
	}
	for _, t := range sx.ticks() {
		x := sx.at(t)
		fmt.Fprintf(&b, `<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(x), num(chartH-chartB), num(x), num(chartH-chartB+5))
		fmt.Fprintf(&b, `<text class="tlabel" x="%s" y="%s" text-anchor="middle">%s</text>`, num(x), num(chartH-chartB+18), tickLabel(t))
	}
	fmt.Fprintf(&b, `<path class="axis" d="M%s %sV%sH%s"/>`, num(chartL), num(chartT), num(chartH-chartB), num(chartW-chartR))
	fmt.Fprintf(&b, `<text class="atitle" x="%s" y="%s" text-anchor="middle">%s</text>`, num((chartL+chartW-chartR)/2), num(chartH-12), html.EscapeString(axisTitle(c.X)))
	fmt.Fprintf(&b, `<text class="atitle" x="%s" y="%s" text-anchor="start">%s</text>`, num(8), num(chartT-8), html.EscapeString(axisTitle(c.Y)))
	// The legend is a row above the plot, in series order, ending at the
	// right edge.
	legendX := chartW - chartR
	for _, s := range c.Series {
		legendX -= legendWidth(s.Name)
	}
	for i, s := range c.Series {
		colour := seriesColours[i%len(seriesColours)]
		var pts []string
		var dots strings.Builder
		for _, p := range s.Points {
			if !usable(p.X, c.X.Log) || !usable(p.Y, c.Y.Log) {
				continue
			}
			x, y := sx.at(p.X), sy.at(p.Y)
			pts = append(pts, num(x)+","+num(y))
			if len(s.Points) <= 60 {
				fmt.Fprintf(&dots, `<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s: %s, %s</title></circle>`, num(x), num(y), colour, html.EscapeString(s.Name), tickLabel(p.X), tickLabel(p.Y))
			}
		}
		fmt.Fprintf(&b, `<g class="series" data-series="%s">`, html.EscapeString(s.Name))
		if len(pts) > 1 {
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, colour, strings.Join(pts, " "))
		}
		b.WriteString(dots.String())
		fmt.Fprintf(&b, `<rect x="%s" y="12" width="14" height="4" fill="%s"/><text class="legend" x="%s" y="18">%s</text>`,
			num(legendX), colour, num(legendX+18), html.EscapeString(s.Name))
		legendX += legendWidth(s.Name)
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg><figcaption>` + inlineHTML(title) + `</figcaption></figure>`)
	return b.String()
}

// legendWidth estimates the room a legend entry takes: the swatch, the gap
// and the name at about 7.5 units a character (twice for wide ones).
func legendWidth(name string) float64 {
	w := 0.0
	for _, r := range name {
		w += 7.5
		if wide(r) {
			w += 7.5
		}
	}
	return w + 18 + 16
}
