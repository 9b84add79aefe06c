// Package explain reads a demo's explanation: a Markdown file per language
// (README.md in English, README.zh.md in Chinese) that reads well on GitHub
// and that the CLI interleaves with the run.
//
// # Format
//
// Sections are marked with an HTML comment on the line before their heading,
// so that both languages are matched by id, not by heading text:
//
//	<!-- section: short -->
//	## 30-second answer
//
// The sections every demo must have are listed in [Required]. Inside a
// section, a step block starts at a `<!-- step: ID -->` comment and runs to
// the next marker or heading; the runner prints it when the demo reaches the
// step with that id.
//
// # Placeholders
//
// `{{name}}` stands for a number the run measured (a dotted path into the
// result object, like `{{tcp.retransmissions}}`, or a value the demo set).
// [Fill] replaces them and reports the ones no run value filled, which the
// tests treat as failures: an explanation may not claim a number the run did
// not produce.
package explain
