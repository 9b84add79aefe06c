package tlsdemo_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdemo/netdemo/demos"
	"github.com/netdemo/netdemo/internal/demo/demotest"
)

// TestRun runs the whole demo once, with --pcap and --keylog, and checks
// the result contract and what each step observed.
func TestRun(t *testing.T) {
	d := demos.Lookup("tls")
	dir := t.TempDir()
	pcap, keylog := filepath.Join(dir, "tls.pcap"), filepath.Join(dir, "tls.keylog")
	o := demotest.Run(t, d, "--seed", "1", "--pcap", pcap, "--keylog", keylog)

	for path, want := range map[string]any{
		"version": "TLS 1.3", "group": "X25519MLKEM768", "alpn": "http/1.1",
		"verified": true, "resumed": true, "decrypted_matches": true,
	} {
		if got := o.Get(t, path); got != want {
			t.Errorf("result %s = %v, want %v", path, got, want)
		}
	}
	if cs, _ := o.Get(t, "cipher_suite").(string); !strings.HasPrefix(cs, "TLS_") {
		t.Errorf("cipher_suite = %q, want a TLS 1.3 suite name", cs)
	}
	chain, _ := o.Get(t, "chain").([]any)
	if len(chain) != 3 {
		t.Fatalf("chain has %d certificates, want leaf, intermediate, root", len(chain))
	}
	for i, want := range []string{"CN=localhost", "CN=netdemo Intermediate CA,O=netdemo", "CN=netdemo Root CA,O=netdemo"} {
		c := chain[i].(map[string]any)
		if c["subject"] != want || len(c["sha256"].(string)) != 64 || c["not_after"] == "" || c["issuer"] == "" {
			t.Errorf("chain[%d] = %v, want subject %q with issuer, not_after and a sha256", i, c, want)
		}
	}

	// Round trips on the lab's 50 ms RTT. The link's delay makes these
	// lower bounds hold however loaded the machine is: TLS 1.3 cannot finish
	// in less than one round trip, TLS 1.2 in less than two.
	t12, t13 := o.Num(t, "tls12_handshake_ms"), o.Num(t, "tls13_handshake_ms")
	if t13 < 49 || t12 < 99 {
		t.Errorf("handshakes: TLS 1.2 %.1f ms, TLS 1.3 %.1f ms; want at least 2 and 1 RTT of 50 ms", t12, t13)
	}

	for _, tc := range []struct{ attack, want, other string }{
		{"forged_cert", "certificate signed by unknown authority", ""},
		{"wrong_host", "certificate is valid for server.test, not localhost", ""},
		{"expired", "certificate has expired", ""},
		{"self_signed", "certificate signed by unknown authority", ""},
		{"old_version", "protocol version not supported", "client offered only unsupported versions"},
		{"tampered", "local error: tls: bad record MAC", ""},
		{"trusted_mitm_pinned", "pinning: no key in the chain matches", ""},
	} {
		p := "attacks." + tc.attack
		if o.Get(t, p+".blocked") != true {
			t.Errorf("%s: not blocked, want blocked", tc.attack)
		}
		if e, _ := o.Get(t, p+".error").(string); !strings.Contains(e, tc.want) {
			t.Errorf("%s: error = %q, want it to contain %q", tc.attack, e, tc.want)
		}
		if tc.other != "" {
			if e, _ := o.Get(t, p+".server_error").(string); !strings.Contains(e, tc.other) {
				t.Errorf("%s: server_error = %q, want it to contain %q", tc.attack, e, tc.other)
			}
		}
	}
	if e, _ := o.Get(t, "attacks.forged_cert.proxy_error").(string); !strings.Contains(e, "bad certificate") {
		t.Errorf("forged_cert: proxy_error = %q, want the client's bad_certificate alert", e)
	}
	if e, _ := o.Get(t, "attacks.tampered.client_error").(string); !strings.Contains(e, "remote error: tls: bad record MAC") {
		t.Errorf("tampered: client_error = %q, want the server's bad_record_mac alert", e)
	}
	if read, _ := o.Get(t, "attacks.trusted_mitm_pinned.mitm_read").(string); !strings.Contains(read, "password=hunter2") {
		t.Errorf("trusted_mitm_pinned: before pinning the proxy read %q, want the password", read)
	}

	// What the steps observed, from their events.
	var sawSkipVerifyRead, sawStrip, sawHSTS bool
	for _, e := range o.Kind("attack") {
		switch e["attack"] {
		case "no_verify":
			sawSkipVerifyRead = e["blocked"] == false && strings.Contains(e["attacker_read"].(string), "hunter2")
		case "ssl_strip":
			sawStrip = e["blocked"] == false && strings.Contains(e["attacker_read"].(string), "hunter2")
		case "ssl_strip_hsts":
			sawHSTS = e["blocked"] == true && e["attacker_requests"] == float64(0)
		}
	}
	if !sawSkipVerifyRead || !sawStrip || !sawHSTS {
		t.Errorf("InsecureSkipVerify read the password: %v, SSL stripping read it: %v, HSTS stopped it: %v; want all true", sawSkipVerifyRead, sawStrip, sawHSTS)
	}
	var names []string
	for _, e := range o.Kind("tls_message") {
		if e["dir"] == "s2c" {
			names = append(names, e["name"].(string))
		}
	}
	if got := strings.Join(names, " "); !strings.Contains(got, "ServerHello ChangeCipherSpec EncryptedExtensions Certificate CertificateVerify Finished") {
		t.Errorf("server messages = %s, want the TLS 1.3 server flight in order", got)
	}

	t.Run("tshark decrypts the lab traffic", func(t *testing.T) {
		tshark, err := exec.LookPath("tshark")
		if err != nil {
			t.Skip("tshark not on PATH: skipping the check that Wireshark decrypts our pcap with our key log (apt-get install tshark)")
		}
		out, err := exec.Command(tshark, "-r", pcap, "-o", "tls.keylog_file:"+keylog, "-Y", "http.request", "-T", "fields", "-e", "http.request.method", "-e", "http.host").CombinedOutput()
		if err != nil {
			t.Fatalf("tshark: %v\n%s", err, out)
		}
		if n := strings.Count(string(out), "GET\tserver.test"); n < 2 {
			t.Errorf("tshark saw %d decrypted GET requests to server.test, want 2 (TLS 1.2 and 1.3):\n%s", n, out)
		}
		// And without the key log it sees none.
		out, err = exec.Command(tshark, "-r", pcap, "-Y", "http.request").Output()
		if err != nil {
			t.Fatalf("tshark without the key log: %v", err)
		}
		if strings.Contains(string(out), "GET /") {
			t.Errorf("tshark read HTTP without the key log:\n%s", out)
		}
	})
	if b, err := os.ReadFile(keylog); err != nil || !strings.Contains(string(b), "CLIENT_TRAFFIC_SECRET_0") {
		t.Errorf("--keylog file: %v, want TLS 1.3 secrets in it", err)
	}
}

func TestRunChinese(t *testing.T) {
	o := demotest.Run(t, demos.Lookup("tls"), "--lang", "zh", "--rtt", "10ms")
	if o.Get(t, "decrypted_matches") != true {
		t.Errorf("decrypted_matches = false in the zh run")
	}
	// The errors Go and the OS returned are quoted as they are.
	var errs []string
	for _, a := range o.Get(t, "attacks").(map[string]any) {
		for k, v := range a.(map[string]any) {
			if s, ok := v.(string); ok && k != "mitm_read" {
				errs = append(errs, s)
			}
		}
	}
	// The certificates' names, and the names of TLS messages and of the
	// key schedule's values, which RFC 9846 spells in English.
	for _, c := range o.Get(t, "chain").([]any) {
		errs = append(errs, c.(map[string]any)["subject"].(string), c.(map[string]any)["issuer"].(string))
	}
	errs = append(errs, "Certificate", "Finished", "Alert", "key", "iv", "nonce", "xor", "netdemo-tls")
	demotest.CheckChinese(t, o, errs...)
}
