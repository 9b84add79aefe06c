package deploy

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/http"

	"github.com/netdemo/netdemo/internal/demo"
)

// showTLS asks the proxy over HTTPS and shows that the app got plain HTTP.
func showTLS(ctx context.Context, r *demo.Run, c *chain, res *result) error {
	r.Step("tls", r.T("TLS ends at the proxy: HTTPS outside, plain HTTP inside", "TLS 在代理终止：外面是 HTTPS，里面是明文 HTTP"))
	cl := &http.Client{Transport: &http.Transport{TLSClientConfig: c.pki.ClientConfig("localhost")}}
	defer cl.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, "GET", "https://localhost:"+port(c.tlsAddr)+"/account", nil)
	if err != nil {
		return err
	}
	resp, err := cl.Do(req)
	if err != nil {
		return fmt.Errorf("asking the proxy over HTTPS: %w", err)
	}
	defer resp.Body.Close()
	s, err := decodeSeen(resp.Body)
	if err != nil {
		return err
	}
	if resp.TLS == nil {
		return fmt.Errorf("the HTTPS answer came without TLS")
	}
	st := resp.TLS
	r.Printf(r.T("  client → proxy (%s): %s, %s, certificate for %s signed by the demo CA.",
		"  客户端 → 代理（%s）：%s，%s，证书签给 %s，由演示 CA 签发。"),
		c.tlsAddr, tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite), st.PeerCertificates[0].Subject.CommonName)
	r.Printf(r.T("  proxy → app (%s): the app's request had TLS = %v; X-Forwarded-Proto: %q tells it the client used HTTPS.",
		"  代理 → 应用（%s）：应用收到的请求 TLS = %v；X-Forwarded-Proto: %q 告诉它客户端用的是 HTTPS。"),
		"unix:"+c.appSock, s.TLS, s.XForwardedProto)
	res.TLSTerminatedAtProxy = !s.TLS && s.XForwardedProto == "https"
	r.Set("tls_version", tls.VersionName(st.Version))
	if res.TLSTerminatedAtProxy {
		r.Set("tls_note", r.T("the app itself saw no TLS, only X-Forwarded-Proto: https", "应用本身没看到 TLS，只看到 X-Forwarded-Proto: https"))
	} else {
		r.Set("tls_note", r.T("the app did not see what the proxy should have told it", "应用没有收到代理本该告诉它的信息"))
	}
	return nil
}

// port is the port of a host:port.
func port(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[i+1:]
		}
	}
	return addr
}
