package tlsdemo

import (
	"context"
	"fmt"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
)

// stepResume connects again with the same session cache: the client
// offers the ticket the server sent (a pre-shared key, RFC 8446 §2.2), and
// the server skips its certificate and signature.
func (w *world) stepResume(ctx context.Context) error {
	r := w.r
	r.Step("resume", r.T("Resumption: the second connection skips the certificate", "会话恢复：第二次连接省掉证书"))
	first := w.main
	cfg := w.client("localhost")
	cfg.ClientSessionCache = first.cache
	x, err := fetch(ctx, netxLoopback, w.site.Addr(), cfg, newRequest("localhost", "/", ""))
	if err != nil {
		return fmt.Errorf("the resumed connection: %w", err)
	}
	kl, _ := record.ParseKeyLog(w.keyLog())
	t, err := record.Dissect(x.Chunks, kl)
	if err != nil {
		return err
	}
	w.printItems(t, true)
	w.res.Resumed = x.State.DidResume
	r.Measure("resumed", w.res.Resumed, "")
	full, res := handshakeBytes(first.t), handshakeBytes(t)
	r.Measure("full_handshake_server_bytes", full, r.T("bytes", "字节"))
	r.Measure("resumed_handshake_server_bytes", res, r.T("bytes", "字节"))
	cert, cv := t.Has("Certificate"), t.Has("CertificateVerify")
	r.Printf(r.T("  resumed handshake carried a Certificate: %v, a CertificateVerify: %v", "  恢复的握手里有 Certificate：%v，有 CertificateVerify：%v"), yesNo(r, cert), yesNo(r, cv))
	r.Set("resumed_has_certificate", cert || cv)
	return nil
}

// handshakeBytes adds up the server's handshake messages up to its
// Finished: what the client had to receive before it could send data.
func handshakeBytes(t *record.Transcript) int {
	n := 0
	for _, it := range t.Items {
		if it.Dir != netx.ServerToClient || it.IsData || it.Name == "NewSessionTicket" {
			continue
		}
		n += it.Size
		if it.Name == "Finished" {
			break
		}
	}
	return n
}
