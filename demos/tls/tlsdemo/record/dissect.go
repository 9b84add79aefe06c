package record

import (
	"fmt"

	"github.com/netdemo/netdemo/internal/netx"

	"github.com/netdemo/netdemo/internal/dissect/tlsrec"
	"github.com/netdemo/netdemo/internal/wiretap"
)

// dirOf names a recorded chunk's direction the way this package does.
func dirOf(d netx.Direction) (netx.Direction, bool) {
	switch d {
	case netx.ClientToServer:
		return netx.ClientToServer, true
	case netx.ServerToClient:
		return netx.ServerToClient, true
	}
	return 0, false
}

// Item is one thing a reader of the trace sees: a handshake message, a
// ChangeCipherSpec, an alert or a piece of application data.
type Item struct {
	Dir       netx.Direction
	Name      string // "ClientHello", "Certificate", "application data", "Alert: bad_record_mac"…
	Encrypted bool   // it travelled inside a protected record
	Size      int    // bytes of the message (handshake: with its 4-byte header)
	Record    int    // wire bytes of the record that carried it (header, ciphertext and tag)
	Secret    string // key log label whose keys decrypted it, "" when clear
	Seq       uint64 // record sequence number used in the nonce (encrypted items)
	Nonce     []byte // the nonce that opened it (encrypted items)
	Type      tlsrec.HandshakeType
	Body      []byte // handshake body or application data plaintext
	IsData    bool   // application data (Body is what the application wrote)
}

// Transcript is a dissected TLS connection.
type Transcript struct {
	Items        []Item
	Version      uint16 // negotiated: 0x0304 for TLS 1.3, 0x0303 for TLS 1.2
	CipherSuite  uint16
	KeyShare     uint16 // group of the server's key share (TLS 1.3)
	ClientRandom []byte
	WireBytes    [2]int // bytes of whole records, by netx.Direction
	Undecrypted  int    // protected records left unread (no key, or TLS 1.2)
	Problems     []string
	// Keys used to open each direction's records, in the order they came
	// into use: handshake keys, then application keys.
	Keys [2][]TrafficKeys
}

// dirState follows one direction through its epochs.
type dirState struct {
	pending   []byte // bytes not yet a whole record
	hs        []byte // handshake bytes not yet a whole message (one epoch)
	secrets   []string
	opener    *Opener
	secret    string
	failed    bool
	sawCCS    bool // TLS 1.2: records after ChangeCipherSpec are encrypted
	finished  bool // this direction sent its Finished: next records use application keys
	noKeys    bool // no key log entry: protected records are listed, not opened
	encrypted int  // TLS 1.2 encrypted records seen
}

// Dissect reads the bytes of one connection, both directions in the order
// they were seen, and names what they carried. With a key log holding the
// connection's TLS 1.3 secrets it decrypts the protected records; without
// one, or for TLS 1.2 after ChangeCipherSpec, it lists them as encrypted.
// It never panics on malformed input: what it cannot parse ends that
// direction with a note in Problems.
func Dissect(chunks []wiretap.Chunk, keys *KeyLog) (*Transcript, error) {
	t := &Transcript{}
	st := [2]*dirState{
		{secrets: []string{ClientHandshakeSecret, ClientTrafficSecret0}},
		{secrets: []string{ServerHandshakeSecret, ServerTrafficSecret0}},
	}
	for _, c := range chunks {
		d, ok := dirOf(c.Dir)
		if !ok {
			return nil, fmt.Errorf("chunk direction %d is neither way", c.Dir)
		}
		s := st[d]
		if s.failed {
			continue
		}
		s.pending = append(s.pending, c.Data...)
		recs, rest, err := tlsrec.Split(s.pending)
		for _, r := range recs {
			t.WireBytes[d] += r.WireLen()
			if err := t.record(d, s, r, keys); err != nil {
				t.Problems = append(t.Problems, fmt.Sprintf("%s: %v", d, err))
				s.failed = true
			}
			if s.failed {
				break
			}
		}
		if err != nil && !s.failed {
			t.Problems = append(t.Problems, fmt.Sprintf("%s: %v", d, err))
			s.failed = true
		}
		s.pending = append([]byte(nil), rest...)
	}
	return t, nil
}

func (t *Transcript) record(d netx.Direction, s *dirState, r tlsrec.Record, keys *KeyLog) error {
	switch {
	case r.Type == tlsrec.ChangeCipherSpec:
		t.Items = append(t.Items, Item{Dir: d, Name: "ChangeCipherSpec", Size: len(r.Payload), Record: r.WireLen()})
		if t.Version != 0x0304 {
			s.sawCCS = true // TLS 1.2: from here on this direction is encrypted
		}
		return nil
	case s.sawCCS:
		return t.encrypted12(d, s, r)
	case r.Type == tlsrec.ApplicationData:
		return t.protected(d, s, r, keys)
	case r.Type == tlsrec.Alert:
		t.Items = append(t.Items, alertItem(d, r.Payload, false, r.WireLen()))
		return nil
	case r.Type == tlsrec.Handshake:
		return t.handshake(d, s, r.Payload, r.WireLen(), false, "", 0, nil)
	}
	return fmt.Errorf("unexpected %s record", r.Type)
}

// handshake reassembles messages from a record's payload.
func (t *Transcript) handshake(d netx.Direction, s *dirState, payload []byte, wire int, enc bool, secret string, seq uint64, nonce []byte) error {
	s.hs = append(s.hs, payload...)
	msgs, rest := tlsrec.SplitHandshake(s.hs)
	for _, m := range msgs {
		body := append([]byte(nil), m.Body...)
		it := Item{Dir: d, Name: m.Type.String(), Encrypted: enc, Size: m.Len(), Record: wire, Secret: secret, Seq: seq, Nonce: nonce, Type: m.Type, Body: body}
		switch m.Type {
		case tlsrec.ClientHello:
			if t.ClientRandom == nil {
				cr, err := ClientRandom(m.Body)
				if err != nil {
					return err
				}
				t.ClientRandom = append([]byte(nil), cr...)
			}
		case tlsrec.ServerHello:
			h, err := ParseServerHello(m.Body)
			if err != nil {
				return err
			}
			if h.Retry {
				it.Name = "HelloRetryRequest"
			} else {
				t.Version, t.CipherSuite, t.KeyShare = h.Version, h.CipherSuite, h.KeyShare
			}
		case tlsrec.Finished:
			if enc {
				s.finished = true
			}
		}
		t.Items = append(t.Items, it)
	}
	s.hs = append(s.hs[:0], rest...)
	return nil
}

// protected opens a TLS 1.3 record with the keys of its direction's epoch.
func (t *Transcript) protected(d netx.Direction, s *dirState, r tlsrec.Record, keys *KeyLog) error {
	if t.Version != 0x0304 {
		if t.Version == 0 {
			return fmt.Errorf("application data before any ServerHello")
		}
		return t.encrypted12(d, s, r)
	}
	if s.finished && s.opener != nil && s.secret == s.secrets[0] {
		s.opener = nil // Finished ends the handshake epoch (RFC 8446 §7.2)
		s.hs = s.hs[:0]
	}
	if s.noKeys {
		t.Undecrypted++
		t.Items = append(t.Items, Item{Dir: d, Name: "encrypted record", Encrypted: true, Size: len(r.Payload), Record: r.WireLen()})
		return nil
	}
	if s.opener == nil {
		label := s.secrets[0]
		if s.finished {
			label = s.secrets[1]
		}
		if err := t.openWith(d, s, label, keys); err != nil {
			// Without keys we can still say how many protected records
			// there were and how big: what any observer sees.
			t.Problems = append(t.Problems, fmt.Sprintf("%s: %v", d, err))
			s.noKeys = true
			return t.protected(d, s, r, keys)
		}
	}
	o, err := s.opener.Open(r)
	if err != nil {
		return err
	}
	switch o.Type {
	case tlsrec.Handshake:
		return t.handshake(d, s, o.Content, r.WireLen(), true, s.secret, o.Seq, o.Nonce)
	case tlsrec.ApplicationData:
		t.Items = append(t.Items, Item{Dir: d, Name: "application data", Encrypted: true, Size: len(o.Content), Record: r.WireLen(),
			Secret: s.secret, Seq: o.Seq, Nonce: o.Nonce, Body: append([]byte(nil), o.Content...), IsData: true})
	case tlsrec.Alert:
		it := alertItem(d, o.Content, true, r.WireLen())
		it.Secret, it.Seq, it.Nonce = s.secret, o.Seq, o.Nonce
		t.Items = append(t.Items, it)
	default:
		return fmt.Errorf("inner content type %s inside a protected record", o.Type)
	}
	return nil
}

func (t *Transcript) openWith(d netx.Direction, s *dirState, label string, keys *KeyLog) error {
	suite, ok := SuiteByID(t.CipherSuite)
	if !ok {
		return fmt.Errorf("cipher suite %#04x is not a TLS 1.3 suite", t.CipherSuite)
	}
	secret, ok := keys.Secret(label, t.ClientRandom)
	if !ok {
		return fmt.Errorf("no %s in the key log", label)
	}
	k, err := DeriveKeys(suite, secret)
	if err != nil {
		return err
	}
	o, err := NewOpener(k)
	if err != nil {
		return err
	}
	s.opener, s.secret = o, label
	t.Keys[d] = append(t.Keys[d], k)
	return nil
}

// encrypted12 lists a TLS 1.2 record protected with keys this package
// does not derive: the first after ChangeCipherSpec is the Finished.
func (t *Transcript) encrypted12(d netx.Direction, s *dirState, r tlsrec.Record) error {
	name := "application data"
	switch {
	case r.Type == tlsrec.Handshake && s.encrypted == 0:
		name = "Finished"
	case r.Type == tlsrec.Handshake:
		name = "handshake"
	case r.Type == tlsrec.Alert:
		name = "Alert"
	}
	s.encrypted++
	t.Undecrypted++
	t.Items = append(t.Items, Item{Dir: d, Name: name, Encrypted: true, Size: len(r.Payload), Record: r.WireLen(), IsData: r.Type == tlsrec.ApplicationData})
	return nil
}

var alertNames = map[byte]string{
	0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 40: "handshake_failure", 42: "bad_certificate",
	43: "unsupported_certificate", 45: "certificate_expired", 46: "certificate_unknown", 47: "illegal_parameter",
	48: "unknown_ca", 50: "decode_error", 51: "decrypt_error", 70: "protocol_version", 80: "internal_error",
	86: "inappropriate_fallback", 109: "missing_extension", 112: "unrecognized_name", 116: "certificate_required", 120: "no_application_protocol",
}

// AlertName names an alert description (RFC 8446 §6).
func AlertName(desc byte) string {
	if n, ok := alertNames[desc]; ok {
		return n
	}
	return fmt.Sprintf("alert(%d)", desc)
}

func alertItem(d netx.Direction, p []byte, enc bool, wire int) Item {
	name := "Alert"
	if len(p) == 2 {
		name = "Alert: " + AlertName(p[1])
	}
	return Item{Dir: d, Name: name, Encrypted: enc, Size: len(p), Record: wire, Body: append([]byte(nil), p...)}
}

// Find returns the first item named name going in direction d.
func (t *Transcript) Find(d netx.Direction, name string) (Item, bool) {
	for _, it := range t.Items {
		if it.Dir == d && it.Name == name {
			return it, true
		}
	}
	return Item{}, false
}

// Has reports whether any item is named name.
func (t *Transcript) Has(name string) bool {
	for _, it := range t.Items {
		if it.Name == name {
			return true
		}
	}
	return false
}
