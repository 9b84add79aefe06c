package trace

import (
	"fmt"
	"io"
	"time"
)

// WriteFlows prints one row per flow, in the spirit of tshark -z conv,tcp:
// endpoints, packets and bytes each way, duration, handshake RTT,
// retransmissions, duplicate ACKs and how the flow ended.
func WriteFlows(w io.Writer, flows []Flow, lang string) error {
	zh := Options{Lang: lang}.lang() == langZH
	title := "Flows"
	head := "  #  proto  client → server                              packets →/←   bytes →/←        duration   rtt       retr  dup  end"
	if zh {
		title = "流"
		head = "  #  协议   客户端 → 服务器                              包数 →/←      字节 →/←         时长       RTT       重传  重复  结束"
	}
	if _, err := fmt.Fprintf(w, "%s (%d):\n%s\n", title, len(flows), head); err != nil {
		return fmt.Errorf("write flows: %w", err)
	}
	for _, f := range flows {
		rtt := "-"
		if f.RTT > 0 {
			rtt = f.RTT.Round(time.Microsecond).String()
		}
		end := f.End
		if zh {
			end = map[string]string{"fin": "FIN 正常关闭", "rst": "RST 中止", "open": "未关闭", "": ""}[f.End]
		}
		_, err := fmt.Fprintf(w, "%3d  %-5s  %-44s %6d/%-6d %9d/%-9d %9.3fs  %-9s %4d %4d  %s\n",
			f.ID, f.Protocol, f.Client+" → "+f.Server, f.Packets[0], f.Packets[1],
			f.Bytes[0], f.Bytes[1], f.Duration, rtt, f.Retrans, f.DupACKs, end)
		if err != nil {
			return fmt.Errorf("write flows: %w", err)
		}
	}
	return nil
}

// WriteSummary prints the counts in one paragraph.
func WriteSummary(w io.Writer, s Summary, lang string) error {
	format := "%d packets, %d flows: %d handshakes, %d teardowns, %d resets, %d retransmissions, %d duplicate ACKs, %d out of order, %d UDP datagrams\n"
	if (Options{Lang: lang}).lang() == langZH {
		format = "%d 个包，%d 个流：%d 次握手，%d 次挥手，%d 次重置，%d 次重传，%d 个重复 ACK，%d 个乱序，%d 个 UDP 数据报\n"
	}
	_, err := fmt.Fprintf(w, format, s.Packets, s.Flows, s.Handshakes, s.Teardowns, s.Resets,
		s.Retransmissions, s.DupACKs, s.OutOfOrder, s.UDPDatagrams)
	if err != nil {
		return fmt.Errorf("write summary: %w", err)
	}
	return nil
}
