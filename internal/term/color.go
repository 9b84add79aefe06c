package term

import (
	"io"
	"os"

	xterm "golang.org/x/term"
)

// Style wraps text in ANSI colours, or leaves it alone when colour is off.
type Style struct{ on bool }

// NewStyle returns a Style for w, honouring NO_COLOR, TERM=dumb and noColor.
func NewStyle(w io.Writer, noColor bool) Style {
	return Style{on: !noColor && ColorAllowed(w)}
}

// ColorAllowed reports whether w is a terminal that welcomes colour.
func ColorAllowed(w io.Writer) bool {
	if os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return IsTerminal(w)
}

// IsTerminal reports whether w (or r) is an *os.File connected to a terminal.
func IsTerminal(w any) bool {
	f, ok := w.(interface{ Fd() uintptr })
	return ok && xterm.IsTerminal(int(f.Fd()))
}

// On reports whether colour is enabled.
func (s Style) On() bool { return s.on }

func (s Style) wrap(code, text string) string {
	if !s.on || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s Style) Bold(t string) string   { return s.wrap("1", t) }
func (s Style) Dim(t string) string    { return s.wrap("2", t) }
func (s Style) Red(t string) string    { return s.wrap("31", t) }
func (s Style) Green(t string) string  { return s.wrap("32", t) }
func (s Style) Yellow(t string) string { return s.wrap("33", t) }
func (s Style) Blue(t string) string   { return s.wrap("34", t) }
func (s Style) Cyan(t string) string   { return s.wrap("36", t) }
