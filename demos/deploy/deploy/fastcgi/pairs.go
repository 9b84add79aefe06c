package fastcgi

import (
	"encoding/binary"
	"fmt"

	"github.com/netdemo/netdemo/demos/deploy/deploy/cgiwire"
)

// maxPairLen is the largest length a 4-byte length field can hold (its top
// bit only says "4 bytes").
const maxPairLen = 1<<31 - 1

// AppendPairs encodes name-value pairs (spec §3.4): each length is one
// byte when under 128, else four bytes big-endian with the top bit set.
func AppendPairs(b []byte, pairs []cgiwire.Var) []byte {
	for _, p := range pairs {
		b = appendLen(b, len(p.Name))
		b = appendLen(b, len(p.Value))
		b = append(b, p.Name...)
		b = append(b, p.Value...)
	}
	return b
}

func appendLen(b []byte, n int) []byte {
	if n < 128 {
		return append(b, byte(n))
	}
	return binary.BigEndian.AppendUint32(b, uint32(n)|1<<31)
}

// ParsePairs decodes the joined content of a PARAMS stream.
func ParsePairs(b []byte) ([]cgiwire.Var, error) {
	var out []cgiwire.Var
	for len(b) > 0 {
		nl, rest, err := readLen(b)
		if err != nil {
			return nil, fmt.Errorf("fastcgi: params pair %d: name length: %w", len(out)+1, err)
		}
		vl, rest, err := readLen(rest)
		if err != nil {
			return nil, fmt.Errorf("fastcgi: params pair %d: value length: %w", len(out)+1, err)
		}
		if uint64(nl)+uint64(vl) > uint64(len(rest)) {
			return nil, fmt.Errorf("fastcgi: params pair %d announces %d+%d bytes, only %d left", len(out)+1, nl, vl, len(rest))
		}
		out = append(out, cgiwire.Var{Name: string(rest[:nl]), Value: string(rest[nl : nl+vl])})
		b = rest[nl+vl:]
	}
	return out, nil
}

func readLen(b []byte) (int, []byte, error) {
	if len(b) == 0 {
		return 0, nil, fmt.Errorf("missing")
	}
	if b[0]&0x80 == 0 {
		return int(b[0]), b[1:], nil
	}
	if len(b) < 4 {
		return 0, nil, fmt.Errorf("4-byte length cut off after %d bytes", len(b))
	}
	return int(binary.BigEndian.Uint32(b) &^ (1 << 31)), b[4:], nil
}
