package tracedemo

import (
	"bufio"
	"fmt"
	"os"

	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/trace/capfile"
)

// writeFiles writes what was asked for and says how to open it: --pcap
// (the lab's runner writes it; a live capture is written here), --pcapng
// with each packet's note as a packet comment, and beside each, for TLS,
// the NSS key log that lets Wireshark and tshark decrypt it.
func writeFiles(r *demo.Run, c *capture, a *analysis, opts options) error {
	var written []string
	if r.Pcap != "" {
		if c.Live {
			if err := writePcap(r.Pcap, c); err != nil {
				return err
			}
		}
		written = append(written, r.Pcap)
	}
	if opts.Pcapng != "" {
		if err := writePcapng(opts.Pcapng, c, a); err != nil {
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

// writePcap writes a live capture as pcap with raw IPv4 packets (the lab's
// own pcap uses the same link type).
func writePcap(path string, c *capture) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating --pcap file: %w", err)
	}
	bw := bufio.NewWriter(f)
	pw, err := capfile.NewWriter(bw, capfile.WriterOptions{LinkType: capfile.LinkRaw, Nanosecond: true})
	if err == nil {
		for _, p := range c.Packets {
			if err = pw.WritePacket(p.At, p.Data, len(p.Data)); err != nil {
				break
			}
		}
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// writePcapng writes the capture as pcapng, each packet's note as its
// comment (Wireshark shows it under the packet and filters on
// frame.comment).
func writePcapng(path string, c *capture, a *analysis) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("creating --pcapng file: %w", err)
	}
	bw := bufio.NewWriter(f)
	err = func() error {
		nw, err := capfile.NewNgWriter(bw, "netdemo trace")
		if err != nil {
			return err
		}
		iface, err := nw.AddInterface(capfile.LinkRaw)
		if err != nil {
			return err
		}
		for i, p := range c.Packets {
			var comments []string
			if note := a.Packets[i].Note; note != "" {
				comments = append(comments, note)
			}
			if p.Dropped {
				comments = append(comments, "lost on the lab's link: the receiver never got it")
			}
			if err := nw.WritePacket(iface, p.At, p.Data, len(p.Data), comments...); err != nil {
				return err
			}
		}
		return bw.Flush()
	}()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
