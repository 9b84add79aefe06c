package record_test

import (
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"io"
	"net"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/certs"
	"github.com/netdemo/netdemo/demos/tls/tlsdemo/record"
	"github.com/netdemo/netdemo/internal/wiretap"
)

// RFC 8448 §3: the server handshake traffic secret of the simple 1-RTT
// handshake and the key and IV derived from it.
func TestExpandLabelRFC8448(t *testing.T) {
	secret, _ := hex.DecodeString("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
	s, _ := record.SuiteByID(0x1301)
	k, err := record.DeriveKeys(s, secret)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := hex.EncodeToString(k.Key), "3fce516009c21727d0f2e4e86ee403bc"; got != want {
		t.Errorf("key = %s, want %s (RFC 8448 §3)", got, want)
	}
	if got, want := hex.EncodeToString(k.IV), "5d313eb2671276ee13000b30"; got != want {
		t.Errorf("iv = %s, want %s (RFC 8448 §3)", got, want)
	}
	_ = sha256.New
}

func TestNonce(t *testing.T) {
	iv := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	got := record.Nonce(iv, 0x0102)
	want := []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 ^ 1, 11 ^ 2}
	if !bytes.Equal(got, want) {
		t.Errorf("Nonce(iv, 0x0102) = %x, want %x", got, want)
	}
	if iv[11] != 11 {
		t.Errorf("Nonce changed its iv argument")
	}
}

// capture runs one real TLS connection over net.Pipe: the client sends msg,
// the server echoes "ok". It returns the bytes seen and the key log.
func capture(t testing.TB, version uint16, msg string) ([]wiretap.Chunk, []byte) {
	t.Helper()
	p, err := certs.Demo()
	if err != nil {
		t.Fatal(err)
	}
	cc, sc := net.Pipe()
	// On a failure below, closing the pipe ends the server goroutine.
	t.Cleanup(func() { cc.Close(); sc.Close() })
	var keylog bytes.Buffer
	srvCfg := p.ServerConfig()
	srvCfg.MaxVersion = version
	done := make(chan error, 1)
	go func() {
		s := tls.Server(sc, srvCfg)
		defer s.Close()
		buf := make([]byte, len(msg))
		if _, err := io.ReadFull(s, buf); err != nil {
			done <- err
			return
		}
		_, err := s.Write([]byte("ok"))
		done <- err
	}()
	rec := wiretap.Client(cc)
	cfg := p.ClientConfig("localhost")
	cfg.KeyLogWriter = &keylog
	cfg.ClientSessionCache = tls.NewLRUClientSessionCache(1) // or the server sends no ticket
	c := tls.Client(rec, cfg)
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 2)
	if _, err := io.ReadFull(c, buf); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	sc.Close() // before c.Close, which would wait 5 s to write close_notify into the pipe
	c.Close()
	return rec.Chunks(), keylog.Bytes()
}

func names(tr *record.Transcript) []string {
	var out []string
	for _, it := range tr.Items {
		n := it.Name
		if it.Encrypted {
			n += "*"
		}
		out = append(out, n)
	}
	return out
}

func TestDissectTLS13(t *testing.T) {
	chunks, kl := capture(t, tls.VersionTLS13, "GET / HTTP/1.1\r\n\r\n")
	keys, err := record.ParseKeyLog(kl)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := record.Dissect(chunks, keys)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(names(tr), " ")
	for _, want := range []string{
		"ClientHello ServerHello", "EncryptedExtensions* Certificate* CertificateVerify* Finished*",
		"NewSessionTicket*", "application data*",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("items = %s\nwant them to contain %q", got, want)
		}
	}
	if tr.Version != tls.VersionTLS13 || tr.Undecrypted != 0 || len(tr.Problems) > 0 {
		t.Errorf("version %#x, undecrypted %d, problems %v; want TLS 1.3, everything decrypted", tr.Version, tr.Undecrypted, tr.Problems)
	}
	it, ok := tr.Find(netx.ClientToServer, "application data")
	if !ok || string(it.Body) != "GET / HTTP/1.1\r\n\r\n" {
		t.Errorf("client application data = %q, want the request the client wrote", it.Body)
	}
	// Without the key log nothing after ServerHello can be read.
	tr, _ = record.Dissect(chunks, nil)
	if tr.Has("Certificate") || tr.Undecrypted == 0 {
		t.Errorf("without keys: items %v, want no Certificate and undecrypted records", names(tr))
	}
}

func TestDissectTLS12ShowsCertificate(t *testing.T) {
	chunks, _ := capture(t, tls.VersionTLS12, "hello")
	tr, err := record.Dissect(chunks, nil)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := tr.Find(netx.ServerToClient, "Certificate")
	if !ok || it.Encrypted {
		t.Fatalf("items = %v, want a clear Certificate from the server", names(tr))
	}
	cs, err := record.Certificates12(it.Body)
	if err != nil || len(cs) != 2 || cs[0].Subject.CommonName != "localhost" {
		t.Errorf("Certificates12 = %d certs, %v; want leaf localhost + intermediate", len(cs), err)
	}
	if tr.Version != tls.VersionTLS12 {
		t.Errorf("version = %#x, want TLS 1.2", tr.Version)
	}
}

func TestTamperedRecordFails(t *testing.T) {
	chunks, kl := capture(t, tls.VersionTLS13, "secret")
	keys, _ := record.ParseKeyLog(kl)
	// Flip a byte in the last client→server chunk (the application data).
	for i := len(chunks) - 1; i >= 0; i-- {
		if chunks[i].Dir == netx.ClientToServer {
			chunks[i].Data[len(chunks[i].Data)-1] ^= 1
			break
		}
	}
	tr, _ := record.Dissect(chunks, keys)
	if len(tr.Problems) == 0 || !strings.Contains(strings.Join(tr.Problems, ";"), "authentication failed") {
		t.Errorf("problems = %v, want an authentication failure", tr.Problems)
	}
}

func TestParseKeyLogErrors(t *testing.T) {
	for _, tc := range []struct{ desc, in, want string }{
		{"two fields", "CLIENT_RANDOM abc", "want 3 fields"},
		{"short random", "X 00 11", "client random"},
		{"bad secret", "X " + strings.Repeat("00", 32) + " zz", "secret"},
	} {
		_, err := record.ParseKeyLog([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: ParseKeyLog = %v, want an error mentioning %q", tc.desc, err, tc.want)
		}
	}
}
