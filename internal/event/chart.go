package event

// Chart is one or more series of points over labelled axes: latency per
// message, bytes in flight per round trip, cost per connection count.
type Chart struct {
	Head
	ID     string   `json:"id"`
	Title  string   `json:"title,omitempty"`
	X      Axis     `json:"x"`
	Y      Axis     `json:"y"`
	Series []Series `json:"series"`
}

// Axis names an axis and its unit. Log marks a logarithmic scale.
type Axis struct {
	Label string `json:"label"`
	Unit  string `json:"unit,omitempty"`
	Log   bool   `json:"log,omitempty"`
}

// Series is a named list of points.
type Series struct {
	Name   string  `json:"name"`
	Points []Point `json:"points"`
}

// Point is one (x, y).
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}
