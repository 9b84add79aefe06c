package record

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
)

// Key log labels of TLS 1.3 (the NSS key log format, written up as draft-ietf-tls-keylogfile).
const (
	ClientHandshakeSecret = "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
	ServerHandshakeSecret = "SERVER_HANDSHAKE_TRAFFIC_SECRET"
	ClientTrafficSecret0  = "CLIENT_TRAFFIC_SECRET_0"
	ServerTrafficSecret0  = "SERVER_TRAFFIC_SECRET_0"
)

// KeyLog holds the secrets of an NSS key log: one line per secret,
// "LABEL <client random hex> <secret hex>".
type KeyLog struct {
	secrets map[string][]byte // label + " " + client random hex → secret
	Lines   int               // secrets read
}

// ParseKeyLog reads a key log. Comment lines (#) and blank lines are
// skipped; a malformed line is an error naming its number.
func ParseKeyLog(b []byte) (*KeyLog, error) {
	k := &KeyLog{secrets: map[string][]byte{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 4096), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 3 {
			return nil, fmt.Errorf("key log line %d: want 3 fields, got %d", n, len(f))
		}
		cr, err := hex.DecodeString(f[1])
		if err != nil || len(cr) != 32 {
			return nil, fmt.Errorf("key log line %d: client random is not 32 bytes of hex", n)
		}
		sec, err := hex.DecodeString(f[2])
		if err != nil || len(sec) == 0 || len(sec) > 64 {
			return nil, fmt.Errorf("key log line %d: secret is not 1 to 64 bytes of hex", n)
		}
		k.secrets[f[0]+" "+strings.ToLower(f[1])] = sec
		k.Lines++
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading the key log: %w", err)
	}
	return k, nil
}

// Secret finds the secret with label for the connection whose ClientHello
// carried clientRandom.
func (k *KeyLog) Secret(label string, clientRandom []byte) ([]byte, bool) {
	if k == nil {
		return nil, false
	}
	s, ok := k.secrets[label+" "+hex.EncodeToString(clientRandom)]
	return s, ok
}
