package quicdemo_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"

	"github.com/quic-go/quic-go/http3"

	"github.com/netdemo/netdemo/certs"
)

// Example_get is an HTTP/3 server and client in a few lines: quic-go's
// http3.Server on a UDP socket, and an http3.Transport (an
// http.RoundTripper) that trusts the demo root. The same client talks to
// `go run ./demos/quic --serve`: put the root the server printed into
// RootCAs and use its URL.
func Example_get() {
	// quic-go warns on stderr when it cannot grow a socket's buffers to
	// 7 MB, as on most laptops; irrelevant at this size.
	os.Setenv("QUIC_GO_DISABLE_RECEIVE_BUFFER_WARNING", "true")
	pki, err := certs.Demo()
	if err != nil {
		fmt.Println(err)
		return
	}
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	srv := &http3.Server{
		TLSConfig: http3.ConfigureTLSConfig(pki.ServerConfig()),
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, "hello over %s\n", r.Proto)
		}),
	}
	go srv.Serve(pc)
	defer srv.Shutdown(context.Background())

	tr := &http3.Transport{TLSClientConfig: pki.ClientConfig("localhost")}
	defer tr.Close()
	client := &http.Client{Transport: tr}
	resp, err := client.Get(fmt.Sprintf("https://localhost:%d/", pc.LocalAddr().(*net.UDPAddr).Port))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	fmt.Printf("%s %d %s", resp.Proto, resp.StatusCode, body)
	// Output: HTTP/3.0 200 hello over HTTP/3.0
}
