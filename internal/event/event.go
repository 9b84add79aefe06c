package event

import "time"

// Event is one thing a run said. Each kind is its own type; Head carries
// the fields they all share.
type Event interface {
	head() *Head
}

// Head is the part every event has.
type Head struct {
	Kind string `json:"kind"`
	Demo string `json:"demo,omitempty"`
	Seq  int    `json:"seq"`
}

func (h *Head) head() *Head { return h }

// Stamp sets the demo name and sequence number of e and returns its head.
func Stamp(e Event, demo string, seq int) *Head {
	h := e.head()
	h.Demo, h.Seq = demo, seq
	return h
}

// HeadOf returns e's head.
func HeadOf(e Event) *Head { return e.head() }

// Text is a string in both languages.
type Text struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// Start opens a run.
type Start struct {
	Head
	Title    string `json:"title"`
	Question Text   `json:"question"`
	Lang     string `json:"lang"`
	Seed     int64  `json:"seed"`
	// Short is the short answer (Markdown), empty under --serve.
	Short string `json:"short,omitempty"`
	// Serving is true when the run keeps servers up instead of running.
	Serving bool `json:"serving,omitempty"`
}

// Step starts step N.
type Step struct {
	Head
	N     int    `json:"n"`
	ID    string `json:"id"`
	Title string `json:"title"`
	// Text is the step's explanation block (Markdown, without its heading).
	Text string `json:"text,omitempty"`
}

// Say is a sentence of narration. Pre marks a pre-formatted line (packet
// lines, bytes, code): views fold it instead of wrapping it as prose.
type Say struct {
	Head
	Text string `json:"text"`
	Pre  bool   `json:"pre,omitempty"`
}

// Measure is one number the run observed.
type Measure struct {
	Head
	Name  string `json:"name"`
	Value any    `json:"value"`
	Unit  string `json:"unit"`
}

// Explain is a section of the explanation, filled with this run's values.
type Explain struct {
	Head
	Section string `json:"section"`
	Text    string `json:"text"`
	// Measured lists the values filled into Text, so that a view can mark
	// them as measured.
	Measured []string `json:"measured,omitempty"`
}

// Result is the run's result object.
type Result struct {
	Head
	Fields map[string]any `json:"-"`
}

// Custom is a demo-specific event: its kind and fields are the demo's.
type Custom struct {
	Head
	Fields map[string]any `json:"-"`
}

// Progress is a live counter for a long step. Text views redraw it on one
// line of stderr; it is not part of the --json stream.
type Progress struct {
	Head
	Text  string `json:"text"`
	Done  int    `json:"done"`
	Total int    `json:"total"`
	// Finished ends the progress line.
	Finished bool `json:"finished,omitempty"`
}

// Ms turns a duration into milliseconds with a fraction, the unit of every
// time field in events.
func Ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
