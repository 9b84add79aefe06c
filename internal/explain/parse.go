package explain

import (
	"fmt"
	"regexp"
	"strings"
)

// Section ids every explanation must carry, in reading order.
var Required = []string{"question", "short", "deep", "saw", "wrong", "followup", "refs"}

// Doc is one language's explanation, split into sections and step blocks.
type Doc struct {
	Title    string            // the first level-1 heading
	Sections map[string]string // section id → Markdown, heading included
	Order    []string          // section ids as they appear
	Steps    map[string]string // step id → Markdown of its block
}

var (
	sectionRE = regexp.MustCompile(`^<!--\s*section:\s*([a-z0-9_-]+)\s*-->\s*$`)
	stepRE    = regexp.MustCompile(`^<!--\s*step:\s*([a-z0-9_.-]+)\s*-->\s*$`)
)

// Parse splits Markdown into sections and steps. It fails on a duplicated
// section or step id, so two blocks can never silently claim the same step.
func Parse(md string) (*Doc, error) {
	d := &Doc{Sections: map[string]string{}, Steps: map[string]string{}}
	var (
		sec, step      string
		secBuf, stpBuf strings.Builder
	)
	flushStep := func() {
		if step != "" {
			d.Steps[step] = strings.TrimSpace(stpBuf.String())
		}
		step = ""
		stpBuf.Reset()
	}
	flushSec := func() {
		flushStep()
		if sec != "" {
			d.Sections[sec] = strings.TrimSpace(secBuf.String())
		}
		sec = ""
		secBuf.Reset()
	}
	for i, line := range strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		if d.Title == "" && strings.HasPrefix(line, "# ") {
			d.Title = strings.TrimSpace(line[2:])
			continue
		}
		if m := sectionRE.FindStringSubmatch(line); m != nil {
			flushSec()
			if _, dup := d.Sections[m[1]]; dup {
				return nil, fmt.Errorf("line %d: section %q appears twice", i+1, m[1])
			}
			sec = m[1]
			d.Order = append(d.Order, sec)
			continue
		}
		if m := stepRE.FindStringSubmatch(line); m != nil {
			flushStep()
			if _, dup := d.Steps[m[1]]; dup {
				return nil, fmt.Errorf("line %d: step %q appears twice", i+1, m[1])
			}
			step = m[1]
			continue
		}
		// A heading ends a step block, except the step's own heading
		// right under its marker.
		if strings.HasPrefix(line, "#") && strings.TrimSpace(stpBuf.String()) != "" {
			flushStep()
		}
		if sec != "" {
			secBuf.WriteString(line)
			secBuf.WriteByte('\n')
		}
		if step != "" {
			stpBuf.WriteString(line)
			stpBuf.WriteByte('\n')
		}
	}
	flushSec()
	return d, nil
}

// Missing lists the required sections d lacks.
func (d *Doc) Missing() []string {
	var out []string
	for _, id := range Required {
		if strings.TrimSpace(d.Sections[id]) == "" {
			out = append(out, id)
		}
	}
	return out
}

// Body returns a section without its heading line.
func (d *Doc) Body(id string) string { return WithoutHeading(d.Sections[id]) }

// WithoutHeading drops a Markdown heading on the first line of s.
func WithoutHeading(s string) string {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "#") {
		return s
	}
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return strings.TrimSpace(s[i+1:])
	}
	return ""
}

// WithHeadingNote puts note on its own paragraph after the section's
// heading (or first, when it has none).
func WithHeadingNote(section, note string) string {
	s := strings.TrimSpace(section)
	if !strings.HasPrefix(s, "#") {
		return note + "\n\n" + s
	}
	head, body, _ := strings.Cut(s, "\n")
	return head + "\n\n" + note + "\n\n" + strings.TrimSpace(body)
}
