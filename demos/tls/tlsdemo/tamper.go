package tlsdemo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/netdemo/netdemo/internal/dissect/tlsrec"
	"github.com/netdemo/netdemo/internal/servers"
)

// flipper is an on-path TCP relay that changes one byte of the client's
// second protected record (the first was its Finished; the second carries
// the HTTP request). It is what an attacker who can rewrite TCP payloads —
// and fix up the TCP checksum — would do.
type flipper struct {
	ln       net.Listener
	upstream string
	stop     func() // closes ln and waits for the relays

	mu      sync.Mutex
	flipped int // offset in the client's byte stream, -1 until done
}

func startFlipper(ctx context.Context, upstream string) (*flipper, error) {
	ln, err := netxLoopback.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("tampering relay: %w", err)
	}
	f := &flipper{ln: ln, upstream: upstream, flipped: -1}
	f.stop = servers.Accept(ln, func(c net.Conn) { f.relay(ctx, c) })
	return f, nil
}

func (f *flipper) Addr() string { return f.ln.Addr().String() }
func (f *flipper) Close()       { f.stop() }

func (f *flipper) relay(ctx context.Context, c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(15 * time.Second))
	up, err := netxLoopback.Dial(ctx, "tcp", f.upstream)
	if err != nil {
		return
	}
	defer up.Close()
	go func() {
		io.Copy(c, up)
		c.Close()
	}()
	// Client → server: hold bytes until whole records, so the flip lands
	// where we mean it; forward every record as soon as it is whole.
	var pending []byte
	offset, protected := 0, 0
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		pending = append(pending, buf[:n]...)
		recs, rest, perr := tlsrec.Split(pending)
		if perr != nil {
			return
		}
		out := make([]byte, 0, len(pending))
		for _, rec := range recs {
			raw := append(append([]byte(nil), rec.Header...), rec.Payload...)
			if rec.Type == tlsrec.ApplicationData {
				protected++
				if protected == 2 {
					i := tlsrec.HeaderLen + len(rec.Payload)/2
					raw[i] ^= 0x01
					f.mu.Lock()
					f.flipped = offset + i
					f.mu.Unlock()
				}
			}
			offset += len(raw)
			out = append(out, raw...)
		}
		pending = append([]byte(nil), rest...)
		if len(out) > 0 {
			if _, werr := up.Write(out); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (w *world) stepTampered(ctx context.Context) error {
	r := w.r
	r.Step("tampered", r.T("Attack: change one byte of a record in transit", "攻击：在传输途中改掉记录的一个字节"))
	f, err := startFlipper(ctx, w.site.Addr())
	if err != nil {
		return err
	}
	defer f.Close()
	w.site.drain()
	_, err = fetch(ctx, netxLoopback, f.Addr(), w.client("localhost"), newRequest("localhost", "/login", "user=alice&amount=100"))
	f.mu.Lock()
	at := f.flipped
	f.mu.Unlock()
	if at < 0 {
		return fmt.Errorf("the relay never saw the request record to flip")
	}
	r.Printf(r.T("The relay flipped one bit of byte %d of the client's stream (inside the record carrying the request).",
		"中继翻转了客户端字节流第 %d 个字节中的一位（在承载请求的那条记录里）。"), at)
	var o outcome
	if serr, ok := w.site.nextError(ctx); ok {
		o.ServerError = serr.Error() // the server is the side that detected it
	}
	// Blocked: the server refused the record and the client got no answer.
	o.Blocked = err != nil && o.ServerError != ""
	o.Error, o.ClientError = o.ServerError, errText(errors.Unwrap(err))
	if o.Error == "" {
		o.Error = o.ClientError
	}
	// Print: the server decrypted, the client heard about it.
	r.Printf("  %s", r.T("the server (it decrypts the record):", "服务器（由它解密这条记录）："))
	r.Printf("    %s", o.ServerError)
	r.Printf("  %s", r.T("the client (it receives the server's alert):", "客户端（收到服务器的告警）："))
	r.Printf("    %s", o.ClientError)
	r.Printf(r.T("  delivered to the application instead: nothing — the connection is dead: %v", "  交给应用的改动后的数据：没有——连接直接断开：%v"), yesNo(r, o.Blocked))
	r.Event("attack", map[string]any{"attack": "tampered", "blocked": o.Blocked, "error": o.Error, "client_error": o.ClientError, "flipped_offset": at})
	w.res.Attacks.Tampered = o
	return nil
}
