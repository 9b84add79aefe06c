package record

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/netdemo/netdemo/internal/dissect/tlsrec"
)

// Opener decrypts the records of one direction and epoch in order,
// counting the 64-bit record sequence number that TLS never sends but both
// sides keep (RFC 8446 §5.3).
type Opener struct {
	Keys TrafficKeys
	aead cipher.AEAD
	seq  uint64
}

// NewOpener prepares decryption with keys, starting at sequence number 0.
func NewOpener(keys TrafficKeys) (*Opener, error) {
	a, err := keys.Suite.newAEAD(keys.Key)
	if err != nil {
		return nil, fmt.Errorf("making the %s AEAD: %w", keys.Suite.Name, err)
	}
	if len(keys.IV) != a.NonceSize() {
		return nil, fmt.Errorf("IV is %d bytes, %s wants %d", len(keys.IV), keys.Suite.Name, a.NonceSize())
	}
	return &Opener{Keys: keys, aead: a}, nil
}

// Nonce is the per-record nonce: the IV xor the sequence number, padded on
// the left to the IV's length (RFC 8446 §5.3).
func Nonce(iv []byte, seq uint64) []byte {
	n := append([]byte(nil), iv...)
	var s [8]byte
	binary.BigEndian.PutUint64(s[:], seq)
	for i := range s {
		n[len(n)-8+i] ^= s[i]
	}
	return n
}

// Opened is one decrypted record.
type Opened struct {
	Seq     uint64             // the record's sequence number
	Nonce   []byte             // IV xor Seq
	Type    tlsrec.ContentType // the real content type, from inside the ciphertext
	Content []byte             // TLSInnerPlaintext without its type and padding
	Padding int                // zero bytes of padding removed
}

// ErrOpen is a record that fails authentication: wrong key, wrong sequence
// number, or bytes changed in transit.
var ErrOpen = errors.New("record authentication failed")

// Open decrypts rec. The AEAD's associated data is the 5-byte record header
// (RFC 8446 §5.2), so the header cannot be changed either. The plaintext is
// TLSInnerPlaintext: content, then the real content type, then zero
// padding.
func (o *Opener) Open(rec tlsrec.Record) (Opened, error) {
	if rec.Type != tlsrec.ApplicationData {
		return Opened{}, fmt.Errorf("record type %s is not protected", rec.Type)
	}
	nonce := Nonce(o.Keys.IV, o.seq)
	plain, err := o.aead.Open(nil, nonce, rec.Payload, rec.Header)
	if err != nil {
		return Opened{}, fmt.Errorf("record %d: %w", o.seq, ErrOpen)
	}
	out := Opened{Seq: o.seq, Nonce: nonce}
	o.seq++
	i := len(plain) - 1
	for i >= 0 && plain[i] == 0 {
		i--
	}
	if i < 0 {
		return Opened{}, fmt.Errorf("record %d: plaintext is all padding, no content type", out.Seq)
	}
	out.Type = tlsrec.ContentType(plain[i])
	out.Content = plain[:i]
	out.Padding = len(plain) - 1 - i
	return out, nil
}
