package tracedemo

import (
	"context"
	"fmt"
	"time"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/lab"
	"github.com/netdemo/netdemo/internal/trace"
)

// Demo is registered in package demos.
var Demo = &demo.Demo{
	Name:     "trace",
	Question: demo.Question{Zh: "抓包：以上每个问题在线路上是什么样子", En: "What does all of this look like on the wire, packet by packet?"},
	Summary:  demo.Text{En: "Every packet of an exchange, captured and explained", Zh: "一次交互的每个数据包：抓取并逐个解释"},
	Port:     0,
	// No loss and a short RTT: every packet of a clean exchange, with a
	// ladder whose timing is readable. --loss 0.05 shows retransmissions.
	Link:   lab.Link{RTT: 20 * time.Millisecond},
	Params: newOptions,
	Run:    run,
}

// result is the result object; its field names are a contract, shared
// with `netdemo trace read --json` (trace.Result): the counts at the top
// level, the per-flow list under "flow_list".
type result struct {
	Packets         int          `json:"packets"`
	Flows           int          `json:"flows"`
	Handshakes      int          `json:"handshakes"`
	Teardowns       int          `json:"teardowns"`
	Resets          int          `json:"resets"`
	Retransmissions int          `json:"retransmissions"`
	DupACKs         int          `json:"dup_acks"`
	OutOfOrder      int          `json:"out_of_order"`
	UDPDatagrams    int          `json:"udp_datagrams"`
	FlowList        []trace.Flow `json:"flow_list"`
	PostPackets     postPackets  `json:"post_packets"`
}

func run(ctx context.Context, r *demo.Run) error {
	opts := *demo.ParamsOf[*options](r)

	r.Step("exchange", r.T("A small real exchange, captured", "一次真实的小交互，全程抓包"))
	c, err := captureExchange(ctx, r, opts)
	if err != nil {
		return err
	}
	narrateExchange(r, c, opts)

	a, err := analyze(c, r.Lang)
	if err != nil {
		return err
	}
	res := result{
		Packets: a.Summary.Packets, Flows: a.Summary.Flows, Handshakes: a.Summary.Handshakes,
		Teardowns: a.Summary.Teardowns, Resets: a.Summary.Resets, Retransmissions: a.Summary.Retransmissions,
		DupACKs: a.Summary.DupACKs, OutOfOrder: a.Summary.OutOfOrder, UDPDatagrams: a.Summary.UDPDatagrams,
		FlowList: a.Flows,
	}

	r.Step("packets", r.T("Every packet, with what it means", "每个数据包，以及它的含义"))
	printPackets(r, a)

	r.Step("flows", r.T("Per flow: who sent what, and how it ended", "按流汇总：谁发了什么，怎么结束的"))
	if err := printFlows(r, a); err != nil {
		return err
	}

	r.Step("ladder", r.T("The ladder diagram", "时序图（梯形图）"))
	if err := printLadder(r, a, opts.Mermaid); err != nil {
		return err
	}

	r.Step("post", r.T(`"POST sends two TCP packets" — measured`, "“POST 发两个 TCP 包”——实测"))
	pp, err := measurePosts(ctx, r)
	if err != nil {
		return err
	}
	res.PostPackets = pp

	r.Step("files", r.T("Open it in Wireshark", "用 Wireshark 打开"))
	if err := writeFiles(r, c, a, opts); err != nil {
		return err
	}
	setPlaceholders(r, c, a)
	r.Result(res)
	return nil
}

// captureExchange picks the source: the lab, or with --live the loopback,
// falling back to the lab with a one-line reason when live capture is not
// possible.
func captureExchange(ctx context.Context, r *demo.Run, opts options) (*capture, error) {
	if opts.Live {
		c, err := captureLive(ctx, r, opts.TLS)
		if err != nil || c != nil {
			return c, err
		}
	}
	return captureLab(ctx, r, opts.TLS)
}

// narrateExchange says what the client observed, before the packets show
// how it happened.
func narrateExchange(r *demo.Run, c *capture, opts options) {
	ex := c.Exchange
	where := fmt.Sprintf(r.T("the virtual lab (%s %v → %s %v", "虚拟实验网络（%s %v → %s %v"), lab.ClientName, lab.ClientAddr, lab.ServerName, lab.ServerAddr)
	if c.Live {
		where = r.T("the kernel's loopback (127.0.0.1, raw socket on lo", "内核回环网卡（127.0.0.1，在 lo 上用原始套接字抓包")
	} else {
		where += fmt.Sprintf(r.T(", RTT %v, loss %g", "，RTT %v，丢包率 %g"), c.Link.RTT, c.Link.Loss)
	}
	r.Printf("  %s%s)", r.T("captured on ", "抓包位置："), where)
	scheme := "http"
	if opts.TLS {
		scheme = "https"
		r.Printf("  %s %s", r.T("TLS:", "TLS："), ex.TLSVersion)
	}
	r.Printf("  GET %s://…/      → %d %q", scheme, ex.GetStatus, trimNL(ex.GetBody))
	r.Printf("  POST %s://…/form → %d %q", scheme, ex.PostStatus, trimNL(ex.PostBody))
	if ex.Reused {
		r.Printf("  %s", r.T("both requests went over one TCP connection (keep-alive), then the client closed it", "两个请求走的是同一条 TCP 连接（keep-alive），之后由客户端关闭"))
	} else {
		r.Printf("  %s", r.T("the POST did NOT reuse the GET's connection", "POST 没有复用 GET 的连接"))
	}
	r.Printf("  UDP %q → %q (%s)", "ping", ex.UDPReply, fmt.Sprintf(r.T("%d send(s)", "发送 %d 次"), ex.UDPTries))
}

func trimNL(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}
