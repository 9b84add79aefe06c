package tracedemo

import (
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/trace"
)

// packetEvent is the JSON form of one packet (a "packet" event).
type packetEvent struct {
	Number   int      `json:"number"`
	Time     float64  `json:"time"`
	Src      string   `json:"src"`
	Dst      string   `json:"dst"`
	Protocol string   `json:"protocol"`
	Flags    string   `json:"flags"`
	Seq      uint32   `json:"seq"`
	Ack      uint32   `json:"ack"`
	Len      int      `json:"len"`
	Labels   []string `json:"labels"`
	Note     string   `json:"note"`
}

// endpoint is "addr:port" (or the bare address for packets without ports).
func endpoint(addr string, port int) string {
	if port == 0 {
		return addr
	}
	if strings.Contains(addr, ":") {
		return fmt.Sprintf("[%s]:%d", addr, port)
	}
	return fmt.Sprintf("%s:%d", addr, port)
}

// printPackets prints every packet as tshark would, with its note under it,
// or one "packet" event each under --json.
func printPackets(r *demo.Run, a *analysis) {
	st := r.Style()
	for i, p := range a.Packets {
		labels := p.Labels
		if labels == nil {
			labels = []string{}
		}
		r.Event("packet", packetEvent{
			Number: p.Number, Time: p.Time, Src: endpoint(p.Src, p.SrcPort), Dst: endpoint(p.Dst, p.DstPort),
			Protocol: p.Protocol, Flags: p.Flags, Seq: p.Seq, Ack: p.Ack, Len: p.Len, Labels: labels, Note: p.Note,
		})
		if r.JSON {
			continue
		}
		l := p.Line()
		if len(p.Labels) > 0 {
			l = st.Red(l)
		}
		fmt.Fprintln(r.Stdout(), l)
		note := p.Note
		if a.Dropped[i] {
			note += r.T("  ✗ lost on the link: the receiver never got it", "  ✗ 在链路上丢失：接收方没有收到")
		}
		if note != "" {
			fmt.Fprintf(r.Stdout(), "     %s\n", st.Dim("↳ "+note))
		}
	}
}

// printFlows prints one row per flow (the engine's tshark -z conv-like
// table) and the counts.
func printFlows(r *demo.Run, a *analysis) error {
	if r.JSON {
		return nil
	}
	if err := trace.WriteFlows(r.Stdout(), a.Flows, r.Lang); err != nil {
		return err
	}
	fmt.Fprintln(r.Stdout())
	return trace.WriteSummary(r.Stdout(), a.Summary, r.Lang)
}

// printLadder draws the ladder in the terminal and, with --mermaid, prints
// it as a Mermaid sequenceDiagram (text mode only; under --json the packet
// events are the ladder).
func printLadder(r *demo.Run, a *analysis, mermaid bool) error {
	if r.JSON {
		return nil
	}
	if err := trace.WriteLadder(r.Stdout(), a.Packets, trace.LadderOptions{}); err != nil {
		return err
	}
	if n := a.lost(); n > 0 {
		fmt.Fprintf(r.Stdout(), "  %s\n", r.Style().Dim(fmt.Sprintf(r.T(
			"(%d arrow(s) above never arrived: the lab's link dropped them, see the ✗ notes in the packet list)",
			"（上图有 %d 个箭头实际没有到达：被实验网络的链路丢弃了，见数据包列表中的 ✗ 说明）"), n)))
	}
	if mermaid {
		fmt.Fprintf(r.Stdout(), "\n%s\n\n```mermaid\n", r.T("Mermaid (paste into GitHub Markdown or mermaid.live):", "Mermaid（可贴进 GitHub Markdown 或 mermaid.live）："))
		if err := trace.WriteMermaid(r.Stdout(), a.Packets, trace.LadderOptions{}); err != nil {
			return err
		}
		fmt.Fprintln(r.Stdout(), "```")
	}
	return nil
}
