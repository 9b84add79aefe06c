package event

// Constructors set Kind, so that a demo never spells a kind by hand.

// NewStep returns a step event.
func NewStep(n int, id, title, text string) *Step {
	return &Step{Head: Head{Kind: "step"}, N: n, ID: id, Title: title, Text: text}
}

// NewSay returns a line of narration.
func NewSay(text string, pre bool) *Say { return &Say{Head: Head{Kind: "say"}, Text: text, Pre: pre} }

// NewMeasure returns a measurement.
func NewMeasure(name string, value any, unit string) *Measure {
	return &Measure{Head: Head{Kind: "measure"}, Name: name, Value: value, Unit: unit}
}

// NewExplain returns a filled explanation section.
func NewExplain(section, text string, measured []string) *Explain {
	return &Explain{Head: Head{Kind: "explain"}, Section: section, Text: text, Measured: measured}
}

// NewResult returns the result event.
func NewResult(fields map[string]any) *Result {
	return &Result{Head: Head{Kind: "result"}, Fields: fields}
}

// NewCustom returns a demo-specific event of the given kind.
func NewCustom(kind string, fields map[string]any) *Custom {
	return &Custom{Head: Head{Kind: kind}, Fields: fields}
}

// NewFrames returns an empty frame list between hosts.
func NewFrames(id, title string, hosts ...string) *Frames {
	return &Frames{Head: Head{Kind: "frames"}, ID: id, Title: title, Hosts: hosts, Frames: []Frame{}}
}

// NewChart returns an empty chart.
func NewChart(id, title string, x, y Axis) *Chart {
	return &Chart{Head: Head{Kind: "chart"}, ID: id, Title: title, X: x, Y: y}
}

// Add appends a series to the chart.
func (c *Chart) Add(name string, pts ...Point) *Chart {
	c.Series = append(c.Series, Series{Name: name, Points: pts})
	return c
}

// NewProgress returns a progress update.
func NewProgress(text string, done, total int) *Progress {
	return &Progress{Head: Head{Kind: "progress"}, Text: text, Done: done, Total: total}
}
