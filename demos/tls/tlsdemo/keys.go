package tlsdemo

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
	"github.com/netdemo/netdemo/internal/dissect/tlsrec"
)

// stepKeys rebuilds the client's keys from the key log and decrypts, by
// hand, the record that carried the HTTP request: RFC 8446 §7.1 (labels),
// §7.3 (key and IV), §5.3 (nonce), §5.2 (associated data, inner type).
func (w *world) stepKeys(ctx context.Context) error {
	r := w.r
	r.Step("keys", r.T("The session keys of this run, and one record decrypted by hand", "本次运行的会话密钥，以及手工解密的一条记录"))
	x, t := w.main.x, w.main.t
	kl, err := record.ParseKeyLog(w.keyLog())
	if err != nil {
		return fmt.Errorf("reading our own key log: %w", err)
	}
	suite, ok := record.SuiteByID(t.CipherSuite)
	if !ok {
		return fmt.Errorf("cipher suite %#04x is not TLS 1.3", t.CipherSuite)
	}
	hsSecret, ok1 := kl.Secret(record.ClientHandshakeSecret, t.ClientRandom)
	appSecret, ok2 := kl.Secret(record.ClientTrafficSecret0, t.ClientRandom)
	if !ok1 || !ok2 {
		return fmt.Errorf("the key log has no client secrets for this connection")
	}
	r.Printf(r.T("Key agreement (%s) gave both ends the same shared secret; it never crossed the wire. HKDF turned it into",
		"密钥协商（%s）让两端得到同一个共享秘密，它从未在网络上传输。HKDF 把它变成"), w.res.Group)
	r.Printf(r.T("handshake secrets, then traffic secrets. The key log (what KeyLogWriter wrote, %d lines) holds those:",
		"握手秘密，然后是流量秘密。密钥日志（KeyLogWriter 写出的 %d 行）里保存的就是这些："), kl.Lines)
	r.Printf("  client_random                   %s", short(t.ClientRandom))
	r.Printf("  %s %s", record.ClientHandshakeSecret, short(hsSecret))
	r.Printf("  %-31s %s", record.ClientTrafficSecret0, short(appSecret))
	keys, err := record.DeriveKeys(suite, appSecret)
	if err != nil {
		return err
	}
	r.Printf(r.T("HKDF-Expand-Label (RFC 9846 §7.1, §7.3) with %s:", "用 %s 做 HKDF-Expand-Label（RFC 9846 §7.1、§7.3）："), suite.Name)
	r.Printf(`  key = HKDF-Expand-Label(secret, "key", "", %d) = %s`, suite.KeyLen, hex.EncodeToString(keys.Key))
	r.Printf(`  iv  = HKDF-Expand-Label(secret, "iv",  "", %d) = %s`, record.IVLen, hex.EncodeToString(keys.IV))

	// Find the record: client→server, the first protected record after the
	// one that carried the client's Finished.
	var c2s []byte
	for _, c := range x.Chunks {
		if c.Dir == netx.ClientToServer {
			c2s = append(c2s, c.Data...)
		}
	}
	recs, _, err := tlsrec.Split(c2s)
	if err != nil {
		return fmt.Errorf("splitting the client's records: %w", err)
	}
	var prot []tlsrec.Record
	for _, rec := range recs {
		if rec.Type == tlsrec.ApplicationData {
			prot = append(prot, rec)
		}
	}
	if len(prot) < 2 {
		return fmt.Errorf("found %d protected client records, want Finished and the request", len(prot))
	}
	rec := prot[1]
	op, err := record.NewOpener(keys)
	if err != nil {
		return err
	}
	opened, err := op.Open(rec)
	if err != nil {
		return fmt.Errorf("decrypting the request record: %w", err)
	}
	r.Printf(r.T("The record as captured: %d bytes = 5-byte header + %d bytes of ciphertext (content + 1 type byte) + 16-byte tag.",
		"抓到的记录：%d 字节 = 5 字节头部 + %d 字节密文（内容 + 1 字节类型）+ 16 字节认证标签。"), rec.WireLen(), len(rec.Payload)-16)
	r.Printf(r.T("  header (associated data)  %s   (type 23 application_data, version 0x0303, length %d)",
		"  头部（附加认证数据 AAD）  %s   （类型 23 application_data，版本 0x0303，长度 %d）"), hex.EncodeToString(rec.Header), len(rec.Payload))
	r.Printf(r.T("  ciphertext starts         %s…", "  密文开头                  %s…"), hex.EncodeToString(rec.Payload[:min(16, len(rec.Payload))]))
	r.Printf(r.T("  nonce = iv xor seq %d     %s", "  nonce = iv xor 序号 %d    %s"), opened.Seq, hex.EncodeToString(opened.Nonce))
	r.Printf(r.T("  decrypted: %d bytes of content, inner type %s, %d bytes of padding:",
		"  解密结果：%d 字节内容，内部类型 %s，%d 字节填充："), len(opened.Content), opened.Type, opened.Padding)
	for _, line := range strings.Split(strings.TrimRight(string(opened.Content), "\r\n"), "\r\n") {
		r.Printf("    │ %s", line)
	}
	matches := bytes.Equal(opened.Content, x.Sent)
	w.res.DecryptedMatches = matches && opened.Type == tlsrec.ApplicationData
	r.Measure("decrypted_matches", w.res.DecryptedMatches, "")
	if !matches {
		r.Printf(r.T("  the plaintext differs from what the application sent (%d vs %d bytes)", "  明文与应用发送的内容不同（%d 对 %d 字节）"), len(opened.Content), len(x.Sent))
	} else {
		r.Printf(r.T("  = exactly the %d bytes the application handed to tls.Conn.Write.", "  = 恰好是应用交给 tls.Conn.Write 的那 %d 字节。"), len(x.Sent))
	}
	onWire := rawContains(x.Chunks, password)
	r.Printf(r.T("  the password %q appears in the captured TCP bytes: %v", "  密码 %q 出现在抓到的 TCP 字节中：%v"), password, yesNo(r, onWire))
	r.Set("request_bytes", len(x.Sent))
	r.Set("record_bytes", rec.WireLen())
	r.Set("tls_password_on_wire", onWire)
	r.Set("decrypted_items", len(t.Items)-t.Undecrypted)
	return nil
}

// short prints the start of a secret: enough to compare with the key log
// file, not a wall of hex.
func short(b []byte) string {
	h := hex.EncodeToString(b)
	if len(h) > 32 {
		return h[:32] + "…"
	}
	return h
}

func (w *world) stepPlainHTTP(ctx context.Context) error {
	r := w.r
	r.Step("plain-http", r.T("The same request over plain HTTP", "同一个请求走明文 HTTP"))
	plain, err := startSite(ctx, netxLoopback, "127.0.0.1:0", nil)
	if err != nil {
		return err
	}
	defer plain.Close()
	req := newRequest("localhost", "/login", loginBody)
	req.URL.Scheme = "http"
	x, err := fetch(ctx, netxLoopback, plain.Addr(), nil, req)
	if err != nil {
		return fmt.Errorf("the plain HTTP request: %w", err)
	}
	var c2s []byte
	for _, c := range x.Chunks {
		if c.Dir == netx.ClientToServer {
			c2s = append(c2s, c.Data...)
		}
	}
	r.Printf("%s", r.T("The first bytes the client put on the wire, as anyone on the path reads them:", "客户端放上网络的前几个字节，路径上的任何人都能这样读到："))
	for _, line := range strings.Split(strings.TrimRight(string(c2s), "\r\n"), "\r\n") {
		r.Printf("    │ %s", line)
	}
	onWire := rawContains(x.Chunks, password)
	r.Printf(r.T("  the password %q appears in the captured TCP bytes: %v", "  密码 %q 出现在抓到的 TCP 字节中：%v"), password, yesNo(r, onWire))
	r.Set("http_password_on_wire", onWire)
	r.Set("http_request_bytes", len(c2s))
	return nil
}
