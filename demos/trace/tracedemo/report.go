package tracedemo

import (
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
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
// and one "packet" event each.
func printPackets(r *demo.Run, a *analysis) {
	for i, p := range a.Packets {
		labels := p.Labels
		if labels == nil {
			labels = []string{}
		}
		r.Event("packet", packetEvent{
			Number: p.Number, Time: p.Time, Src: endpoint(p.Src, p.SrcPort), Dst: endpoint(p.Dst, p.DstPort),
			Protocol: p.Protocol, Flags: p.Flags, Seq: p.Seq, Ack: p.Ack, Len: p.Len, Labels: labels, Note: p.Note,
		})
		note := p.Note
		if a.Dropped[i] {
			note += r.T("  ✗ lost on the link: the receiver never got it", "  ✗ 在链路上丢失：接收方没有收到")
		}
		if note != "" {
			r.Pre("%s\n     ↳ %s", p.Line(), note)
		} else {
			r.Pre("%s", p.Line())
		}
	}
}

// printFlows prints one row per flow (the engine's tshark -z conv-like
// table) and the counts.
func printFlows(r *demo.Run, a *analysis) error {
	var b strings.Builder
	if err := trace.WriteFlows(&b, a.Flows, r.Lang); err != nil {
		return err
	}
	b.WriteString("\n")
	if err := trace.WriteSummary(&b, a.Summary, r.Lang); err != nil {
		return err
	}
	r.Pre("%s", strings.TrimRight(b.String(), "\n"))
	return nil
}

// printLadder draws the ladder: as a frames event (the web view draws it
// as a picture) and as text; with --mermaid also as a Mermaid
// sequenceDiagram.
func printLadder(r *demo.Run, a *analysis, mermaid bool) error {
	r.Frames(ladderFrames(a))
	var b strings.Builder
	if err := trace.WriteLadder(&b, a.Packets, trace.LadderOptions{}); err != nil {
		return err
	}
	r.Pre("%s", strings.TrimRight(b.String(), "\n"))
	if n := a.lost(); n > 0 {
		r.Printf(r.T(
			"  (%d arrow(s) above never arrived: the lab's link dropped them, see the ✗ notes in the packet list)",
			"  （上图有 %d 个箭头实际没有到达：被实验网络的链路丢弃了，见数据包列表中的 ✗ 说明）"), n)
	}
	if mermaid {
		r.Printf("%s", r.T("Mermaid (paste into GitHub Markdown or mermaid.live):", "Mermaid（可贴进 GitHub Markdown 或 mermaid.live）："))
		b.Reset()
		if err := trace.WriteMermaid(&b, a.Packets, trace.LadderOptions{}); err != nil {
			return err
		}
		r.Pre("```mermaid\n%s\n```", strings.TrimRight(b.String(), "\n"))
	}
	return nil
}

// ladderFrames turns the analysed packets into a frame list whose hosts
// are the addresses in the order they first speak.
func ladderFrames(a *analysis) *event.Frames {
	fl := event.NewFrames("ladder", "")
	seen := map[string]bool{}
	for i, p := range a.Packets {
		for _, h := range []string{p.Src, p.Dst} {
			if h != "" && !seen[h] {
				seen[h] = true
				fl.Hosts = append(fl.Hosts, h)
			}
		}
		fate := "delivered"
		if a.Dropped[i] {
			fate = "dropped"
		}
		retrans := false
		for _, l := range p.Labels {
			retrans = retrans || strings.Contains(l, "Retransmission")
		}
		fl.Frames = append(fl.Frames, event.Frame{
			N: p.Number, TMs: p.Time * 1000, From: p.Src, To: p.Dst, Proto: p.Protocol,
			Flags: p.Flags, Len: p.Length, Payload: p.Len, Seq: p.Seq, Ack: p.Ack,
			Fate: fate, Retransmission: retrans, Note: p.Note,
		})
	}
	return fl
}
