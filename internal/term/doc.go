// Package term decides how text reaches a terminal: whether to colour it,
// how to redraw a progress line, and whether the user can be asked to press
// Enter.
//
// Colour is on only when stdout is a terminal, NO_COLOR is unset or empty,
// TERM is not "dumb", and no flag turned it off (https://no-color.org).
package term
