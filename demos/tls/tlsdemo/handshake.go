package tlsdemo

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
	"github.com/netdemo/netdemo/internal/demo"
	"github.com/netdemo/netdemo/internal/event"
	"github.com/netdemo/netdemo/internal/wiretap"
)

// first is the run's main connection, kept for the steps that open it up.
type first struct {
	x     *exchange
	t     *record.Transcript
	cache tls.ClientSessionCache
}

func (w *world) stepHandshake(ctx context.Context) error {
	r := w.r
	r.Step("handshake", r.T("A real TLS 1.3 handshake, message by message", "一次真实的 TLS 1.3 握手，逐条消息"))
	cache := tls.NewLRUClientSessionCache(4)
	cfg := w.client("localhost")
	cfg.ClientSessionCache = cache
	x, err := fetch(ctx, netxLoopback, w.site.Addr(), cfg, newRequest("localhost", "/login", loginBody))
	if err != nil {
		return fmt.Errorf("the main HTTPS request: %w", err)
	}
	if x.Status != 200 {
		return fmt.Errorf("the main HTTPS request: status %d, want 200", x.Status)
	}
	kl, err := record.ParseKeyLog(w.keyLog())
	if err != nil {
		return fmt.Errorf("reading our own key log: %w", err)
	}
	t, err := record.Dissect(x.Chunks, kl)
	if err != nil {
		return fmt.Errorf("dissecting the capture: %w", err)
	}
	w.main = &first{x: x, t: t, cache: cache}

	r.Printf(r.T("POST https://localhost/login to %s over the kernel's loopback; every byte of the TCP connection recorded:",
		"经内核回环向 %s 发送 POST https://localhost/login；记录下 TCP 连接上的每个字节："), w.site.Addr())
	w.printItems(t, false)

	st := x.State
	w.res.Version = tls.VersionName(st.Version)
	w.res.CipherSuite = tls.CipherSuiteName(st.CipherSuite)
	w.res.Group = st.CurveID.String()
	w.res.ALPN = st.NegotiatedProtocol
	r.Printf("")
	r.Measure("version", w.res.Version, "")
	r.Measure("cipher_suite", w.res.CipherSuite, "")
	r.Measure("group", w.res.Group, "")
	r.Measure("alpn", w.res.ALPN, "")
	r.Measure("sni", st.ServerName, "")
	ch, _ := t.Find(netx.ClientToServer, "ClientHello")
	sh, _ := t.Find(netx.ServerToClient, "ServerHello")
	r.Measure("client_hello_bytes", ch.Size, r.T("bytes", "字节"))
	r.Measure("server_hello_bytes", sh.Size, r.T("bytes", "字节"))
	clear, enc := 0, 0
	for _, it := range t.Items {
		if it.Encrypted {
			enc++
		} else {
			clear++
		}
	}
	r.Set("clear_messages", clear)
	r.Set("encrypted_messages", enc)
	r.Measure("tls13_loopback_handshake_ms", ms(x.Handshake), "ms")
	if strings.Contains(w.res.Group, "MLKEM") {
		r.Printf("%s", r.T("  The key exchange was hybrid post-quantum: X25519 and ML-KEM-768 together; an attacker must break both.",
			"  密钥交换是混合后量子的：X25519 与 ML-KEM-768 同时使用；攻击者必须两者都攻破。"))
	}
	return nil
}

// printItems lists the messages of a transcript as a table, and each as a
// "tls_message" event.
func (w *world) printItems(t *record.Transcript, hideKeys bool) {
	r := w.r
	tab := event.NewTable("tls-messages", "#", r.T("direction", "方向"), r.T("message", "消息"), r.T("bytes", "字节"), r.T("on the wire", "线上形式"))
	for i, it := range t.Items {
		how := r.T("clear", "明文")
		if it.Encrypted {
			how = r.T("encrypted", "加密")
			if it.Secret != "" && !hideKeys {
				how += " (" + it.Secret + ")"
			}
		}
		r.Event("tls_message", map[string]any{"n": i + 1, "dir": dirName(it.Dir), "name": it.Name, "encrypted": it.Encrypted, "bytes": it.Size, "record_bytes": it.Record})
		name := it.Name
		if name == "application data" {
			name = r.T(name, "application_data") // the content type's name in RFC 9846
		}
		tab.Row(i+1, arrow(r, it.Dir), name, it.Size, how)
	}
	r.Table(tab)
}

func arrow(r *demo.Run, d netx.Direction) string {
	if d == netx.ClientToServer {
		return r.T("client → server", "客户端 → 服务器")
	}
	return r.T("client ← server", "客户端 ← 服务器")
}

func dirName(d netx.Direction) string {
	if d == netx.ClientToServer {
		return "c2s"
	}
	return "s2c"
}

// rawContains reports whether either direction's byte stream, as captured
// on the TCP connection, holds needle: what an observer could grep for.
func rawContains(chunks []wiretap.Chunk, needle string) bool {
	var all [2][]byte
	for _, c := range chunks {
		all[c.Dir] = append(all[c.Dir], c.Data...)
	}
	return bytes.Contains(all[0], []byte(needle)) || bytes.Contains(all[1], []byte(needle))
}
