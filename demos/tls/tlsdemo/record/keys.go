package record

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/binary"
	"fmt"
	"hash"

	"golang.org/x/crypto/chacha20poly1305"
)

// Suite is a TLS 1.3 cipher suite: an AEAD and the hash of its key
// schedule (RFC 8446 §B.4).
type Suite struct {
	ID      uint16
	Name    string
	Hash    func() hash.Hash
	KeyLen  int
	newAEAD func(key []byte) (cipher.AEAD, error)
}

func gcm(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

var suites = []Suite{
	{0x1301, "TLS_AES_128_GCM_SHA256", sha256.New, 16, gcm},
	{0x1302, "TLS_AES_256_GCM_SHA384", sha512.New384, 32, gcm},
	{0x1303, "TLS_CHACHA20_POLY1305_SHA256", sha256.New, 32, chacha20poly1305.New},
}

// SuiteByID finds a TLS 1.3 suite.
func SuiteByID(id uint16) (Suite, bool) {
	for _, s := range suites {
		if s.ID == id {
			return s, true
		}
	}
	return Suite{}, false
}

// IVLen is the length of the per-record nonce of every TLS 1.3 AEAD.
const IVLen = 12

// ExpandLabel is HKDF-Expand-Label (RFC 8446 §7.1):
//
//	HKDF-Expand(Secret, HkdfLabel, Length), where
//	struct {
//	    uint16 length = Length;
//	    opaque label<7..255> = "tls13 " + Label;
//	    opaque context<0..255> = Context;
//	} HkdfLabel;
func ExpandLabel(h func() hash.Hash, secret []byte, label string, context []byte, length int) ([]byte, error) {
	full := "tls13 " + label
	if len(full) > 255 || len(context) > 255 || length > 0xffff {
		return nil, fmt.Errorf("HKDF-Expand-Label %q: label, context or length too long", label)
	}
	info := make([]byte, 0, 2+1+len(full)+1+len(context))
	info = binary.BigEndian.AppendUint16(info, uint16(length))
	info = append(info, byte(len(full)))
	info = append(info, full...)
	info = append(info, byte(len(context)))
	info = append(info, context...)
	out, err := hkdf.Expand(h, secret, string(info), length)
	if err != nil {
		return nil, fmt.Errorf("HKDF-Expand-Label %q: %w", label, err)
	}
	return out, nil
}

// TrafficKeys are the write key and IV of one direction and epoch,
// derived from its traffic secret (RFC 8446 §7.3):
//
//	key = HKDF-Expand-Label(secret, "key", "", key_length)
//	iv  = HKDF-Expand-Label(secret, "iv",  "", iv_length)
type TrafficKeys struct {
	Suite Suite
	Key   []byte
	IV    []byte
}

// DeriveKeys derives the traffic key and IV from a traffic secret.
func DeriveKeys(s Suite, secret []byte) (TrafficKeys, error) {
	key, err := ExpandLabel(s.Hash, secret, "key", nil, s.KeyLen)
	if err != nil {
		return TrafficKeys{}, err
	}
	iv, err := ExpandLabel(s.Hash, secret, "iv", nil, IVLen)
	if err != nil {
		return TrafficKeys{}, err
	}
	return TrafficKeys{Suite: s, Key: key, IV: iv}, nil
}
