package trace

import "github.com/netdemo/netdemo/internal/trace/capfile"

// Options shape what the analyzer prints and keeps.
type Options struct {
	// Lang is the language of the notes: "en" (default) or "zh".
	Lang string
	// Notes adds, under each packet line, a sentence saying what the
	// packet means. Off by default: the bare lines are what tshark prints.
	Notes bool
	// JSON writes JSON Lines instead of text: one {"kind":"packet",...}
	// object per packet ([Packet]), then one {"kind":"result",...}
	// ([Result]): the counts at the top level, the flows under "flow_list".
	JSON bool
	// Color highlights flags and expert labels with ANSI escapes. The
	// caller decides (terminal, NO_COLOR, TERM=dumb); the library obeys.
	Color bool
	// Flows prints the per-flow table (like tshark -z conv,tcp) and the
	// summary after the packets, in text mode.
	Flows bool
	// Ladder, when > 0, prints a ladder diagram of the first Ladder packets
	// after the packets (text mode), so memory stays bounded.
	Ladder int
	// LinkType is the link type of the packets given to [Analyzer.Add].
	// The zero value means raw IP (the virtual lab's captures), not NULL;
	// use [Analyzer.AddLink] to give a link type per packet.
	LinkType capfile.LinkType
	// MaxFlows caps the flow table; 0 means 20000. When it is full, closed
	// and idle flows are evicted first, then the least recently active;
	// their summaries are kept (up to MaxFlows of them) for the flow table.
	MaxFlows int
}

func (o Options) lang() int {
	if o.Lang == "zh" || o.Lang == "zh-CN" || o.Lang == "zh_CN" {
		return langZH
	}
	return langEN
}

func (o Options) maxFlows() int {
	if o.MaxFlows <= 0 {
		return 20000
	}
	return o.MaxFlows
}
