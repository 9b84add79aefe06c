package tracedemo

import (
	"fmt"
	"os"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// writeFiles writes what was asked for and says how to open it: --pcap
// (the lab's runner writes it; a live capture is written here; pcapng when
// the name ends in .pcapng), --pcapng with each packet's note as a packet
// comment, and beside each, for TLS,
// the NSS key log that lets Wireshark and tshark decrypt it.
func writeFiles(r *demo.Run, c *capture, a *analysis, opts options) error {
	var written []string
	if r.Pcap != "" {
		if c.Live {
			if err := writeCapture(r.Pcap, c, a, false); err != nil {
				return err
			}
		}
		written = append(written, r.Pcap)
	}
	if opts.Pcapng != "" {
		if err := writeCapture(opts.Pcapng, c, a, true); err != nil {
			return err
		}
		written = append(written, opts.Pcapng)
	}
	var keylogs []string
	if len(c.KeyLog) > 0 {
		for _, f := range written {
			k := f + ".keylog"
			if err := os.WriteFile(k, c.KeyLog, 0o600); err != nil {
				return fmt.Errorf("writing the TLS key log: %w", err)
			}
			keylogs = append(keylogs, k)
		}
	}
	r.Set("files_written", len(written)+len(keylogs))
	if len(written) == 0 {
		r.Printf("  %s", r.T(
			"(no file asked for: add --pcap trace.pcap or --pcapng trace.pcapng to keep the capture)",
			"（未要求写文件：加 --pcap trace.pcap 或 --pcapng trace.pcapng 即可保存抓包）"))
		return nil
	}
	for i, f := range written {
		r.Printf("  %s %s", r.T("wrote", "已写入"), f)
		open := fmt.Sprintf("wireshark %s   |   tshark -r %s", f, f)
		if len(keylogs) > i {
			r.Printf("  %s %s", r.T("wrote", "已写入"), keylogs[i])
			open = fmt.Sprintf("wireshark -o tls.keylog_file:%[2]s %[1]s   |   tshark -r %[1]s -o tls.keylog_file:%[2]s -Y http", f, keylogs[i])
		}
		r.Printf("    %s", open)
	}
	return nil
}

// writeCapture writes the capture to path through the one capture writer,
// in the format the name asks for (pcapng for .pcapng). With notes, which
// --pcapng asks for, each packet's note and whether the lab dropped it go
// in as packet comments (Wireshark shows them under the packet and filters
// on frame.comment); pcap has no place for them.
func writeCapture(path string, c *capture, a *analysis, notes bool) error {
	format := capfile.FormatOf(path)
	if notes {
		format = capfile.PCAPNG
	}
	cw, err := capfile.CreateCapture(path, capfile.CaptureOptions{Format: format, Application: "netdemo trace", Nanosecond: true})
	if err != nil {
		return err
	}
	err = func() error {
		iface, err := cw.AddInterface(capfile.LinkRaw, "")
		if err != nil {
			return err
		}
		var comments []string
		for i, p := range c.Packets {
			comments = comments[:0]
			if note := a.Packets[i].Note; notes && note != "" {
				comments = append(comments, note)
			}
			if notes && p.Dropped {
				comments = append(comments, "lost on the lab's link: the receiver never got it")
			}
			if err := cw.WritePacket(iface, p.At, p.Data, len(p.Data), comments...); err != nil {
				return err
			}
		}
		return nil
	}()
	if cerr := cw.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
