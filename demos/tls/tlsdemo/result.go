package tlsdemo

// result is the demo's result object; its field names are a contract.
type result struct {
	Version          string      `json:"version"`
	CipherSuite      string      `json:"cipher_suite"`
	Group            string      `json:"group"`
	ALPN             string      `json:"alpn"`
	Chain            []chainCert `json:"chain"`
	Verified         bool        `json:"verified"`
	Resumed          bool        `json:"resumed"`
	TLS12HandshakeMs float64     `json:"tls12_handshake_ms"`
	TLS13HandshakeMs float64     `json:"tls13_handshake_ms"`
	DecryptedMatches bool        `json:"decrypted_matches"`
	Attacks          attacks     `json:"attacks"`
}

type chainCert struct {
	Subject  string `json:"subject"`
	Issuer   string `json:"issuer"`
	NotAfter string `json:"not_after"`
	SHA256   string `json:"sha256"`
}

type attacks struct {
	ForgedCert        outcome `json:"forged_cert"`
	WrongHost         outcome `json:"wrong_host"`
	Expired           outcome `json:"expired"`
	SelfSigned        outcome `json:"self_signed"`
	OldVersion        outcome `json:"old_version"`
	Tampered          outcome `json:"tampered"`
	TrustedMITMPinned outcome `json:"trusted_mitm_pinned"`
}

// outcome is what one attack achieved, as observed.
type outcome struct {
	Blocked     bool   `json:"blocked"`
	Error       string `json:"error"`                  // the error of the side that stopped it
	ServerError string `json:"server_error,omitempty"` // the real server's side, where it has one
	ProxyError  string `json:"proxy_error,omitempty"`  // the attacker's proxy's side of a failed handshake
	ClientError string `json:"client_error,omitempty"` // the client's side, where the server stopped it
	MITMRead    string `json:"mitm_read,omitempty"`    // what the attacker read when nothing stopped it
}
