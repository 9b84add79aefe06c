// Package event is the output model of a demo run: what a demo says, as
// data. A demo emits events once, through its run; views render them: the
// terminal text view, the JSON Lines view of --json, the web view. No view
// computes a fact another view lacks, and no demo formats text for one view.
//
// The JSON form of every event is a contract that tests, the web view and
// classrooms read: the types of this package, with their json tags, are its
// schema. Each event is an object whose "kind" names its type, "demo" the
// demo and "seq" its place in the run (1, 2, …; the web view resumes a
// stream from it). The kinds:
//
//	start    the demo, its title, question, language, seed, short answer
//	step     a numbered step: id, title, and its explanation (Markdown)
//	say      a sentence of narration (pre: a pre-formatted line, not wrapped)
//	measure  one number the run observed: name, value, unit
//	table    columns (name, unit, alignment) and rows of cells (numbers stay numbers)
//	frames   frames seen on a link: time, from, to, protocol, flags, length, fate
//	chart    series of (x, y) points with labelled axes
//	explain  a section of the explanation filled with this run's numbers
//	result   the run's result object (its fields are each demo's contract)
//
// A progress event (a live counter for a long step) goes only to the text
// view's stderr line; --json leaves it out. Decode reads any line back.
//
// Demo-specific kinds (for example tcp-udp's "packet") keep their names and
// fields; they are listed in each demo's README.
package event
