package trace

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// A ladder diagram draws the client and the server as two columns and each
// packet as an arrow between them, labelled with its flags and length: the
// picture from every TCP textbook, drawn from real packets.

// LadderOptions shape a ladder diagram.
type LadderOptions struct {
	Notes bool // print each packet's note under its arrow (in the analyzer's language)
	Width int  // total width; 0 means 80
}

// ladderLabel is the text on an arrow: expert labels, flags, sequence
// numbers and length, or the application's Info for HTTP/TLS/DNS/QUIC.
func ladderLabel(p Packet) string {
	var b strings.Builder
	for _, l := range p.Labels {
		b.WriteString("[" + strings.TrimPrefix(l, "TCP ") + "] ")
	}
	switch {
	case p.Protocol == "TCP":
		fmt.Fprintf(&b, "%s seq=%d", strings.ReplaceAll(p.Flags, ",", "+"), p.Seq)
		if strings.Contains(p.Flags, "ACK") {
			fmt.Fprintf(&b, " ack=%d", p.Ack)
		}
		if p.Len > 0 {
			fmt.Fprintf(&b, " len=%d", p.Len)
		}
	case p.Protocol == "UDP":
		fmt.Fprintf(&b, "UDP len=%d", p.Len)
	default:
		b.WriteString(p.Protocol + " " + strings.TrimSpace(p.Info))
	}
	return b.String()
}

// hosts picks the left (client) and right (server) columns.
func hosts(packets []Packet) (left, right string) {
	for _, p := range packets {
		if p.Flow < 0 {
			continue
		}
		if p.FromClient {
			return p.Src, p.Dst
		}
		return p.Dst, p.Src
	}
	if len(packets) > 0 {
		return packets[0].Src, packets[0].Dst
	}
	return "", ""
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:max(n-1, 0)]) + "…"
}

// WriteLadder draws packets as a text ladder diagram, about 80 columns wide:
//
//	time    192.0.2.1                                   192.0.2.2
//	 1 0.000000 |---- SYN seq=0 ------------------------------>|
//	 2 0.000020 |<--- SYN+ACK seq=0 ack=1 ---------------------|
func WriteLadder(w io.Writer, packets []Packet, opts LadderOptions) error {
	width := opts.Width
	if width <= 0 {
		width = 80
	}
	bw := bufio.NewWriter(w)
	left, right := hosts(packets)
	const prefix = 16 // "    1  0.000000 " number and time
	span := max(width-prefix-2, 20)
	fmt.Fprintf(bw, "%*s%-*s%s\n", prefix, "", span+1-len(right), left, right)
	for _, p := range packets {
		toRight := p.Src == left
		label := truncate(ladderLabel(p), span-8)
		fill := span - 6 - utf8.RuneCountInString(label)
		var arrow string
		if toRight {
			arrow = "|-- " + label + " " + strings.Repeat("-", max(fill, 0)) + ">|"
		} else {
			arrow = "|<" + strings.Repeat("-", max(fill, 0)) + " " + label + " --|"
		}
		fmt.Fprintf(bw, "%5d %9.6f %s\n", p.Number, p.Time, arrow)
		if opts.Notes && p.Note != "" {
			fmt.Fprintf(bw, "%*s|  %s\n", prefix, "", p.Note)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write ladder: %w", err)
	}
	return nil
}

// mermaidText escapes what Mermaid would read as syntax in message text.
func mermaidText(s string) string {
	r := strings.NewReplacer("#", "#35;", ";", "#59;", "\n", " ", "<", "#lt;", ">", "#gt;")
	return r.Replace(s)
}

// WriteMermaid writes packets as a Mermaid sequenceDiagram, for Markdown
// documents (GitHub renders it): one message per packet, notes as
// "Note over" lines when opts.Notes.
func WriteMermaid(w io.Writer, packets []Packet, opts LadderOptions) error {
	bw := bufio.NewWriter(w)
	left, right := hosts(packets)
	fmt.Fprintf(bw, "sequenceDiagram\n    participant C as %s\n    participant S as %s\n",
		mermaidText("client "+left), mermaidText("server "+right))
	for _, p := range packets {
		from, to := "C", "S"
		if p.Src != left {
			from, to = "S", "C"
		}
		fmt.Fprintf(bw, "    %s->>%s: %d. %s\n", from, to, p.Number, mermaidText(ladderLabel(p)))
		if opts.Notes && p.Note != "" {
			fmt.Fprintf(bw, "    Note over C,S: %s\n", mermaidText(p.Note))
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write mermaid: %w", err)
	}
	return nil
}
