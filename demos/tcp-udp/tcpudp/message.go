package tcpudp

import (
	"bytes"
	"fmt"
)

// msgSize is the size of every numbered message: small, like a game update
// or a chat line, so that each one fits in one packet with room to spare.
const msgSize = 100

const msgPrefix = "msg "

// makeMessage builds message seq: "msg 000042 " then filler up to msgSize
// bytes, ending in a newline, readable in a pcap and in `nc` output.
func makeMessage(seq int) []byte {
	b := make([]byte, 0, msgSize)
	b = fmt.Appendf(b, "%s%06d ", msgPrefix, seq%1000000)
	for i := 0; len(b) < msgSize-1; i++ {
		b = append(b, 'a'+byte(i%26))
	}
	return append(b, '\n')
}

// parseMessage returns the number of a message. The bytes come off the
// network, so anything that is not exactly a message is an error.
func parseMessage(b []byte) (int, error) {
	if len(b) != msgSize {
		return 0, fmt.Errorf("message of %d bytes, want %d", len(b), msgSize)
	}
	if !bytes.HasPrefix(b, []byte(msgPrefix)) {
		return 0, fmt.Errorf("message does not start with %q", msgPrefix)
	}
	seq := 0
	digits := b[len(msgPrefix) : len(msgPrefix)+6]
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("message number %q is not 6 digits", digits)
		}
		seq = seq*10 + int(c-'0')
	}
	if !bytes.Equal(b, makeMessage(seq)) {
		return 0, fmt.Errorf("message %d is corrupted", seq)
	}
	return seq, nil
}
