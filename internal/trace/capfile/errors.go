package capfile

import (
	"errors"
	"fmt"
)

// FormatError says that a capture file is truncated or corrupt. Every packet
// before Packet was read correctly.
type FormatError struct {
	Packet int    // number of the packet that could not be read; 0 for the file header
	Msg    string // what was wrong, in lower case
}

func (e *FormatError) Error() string {
	if e.Packet == 0 {
		return e.Msg
	}
	return fmt.Sprintf("packet %d: %s", e.Packet, e.Msg)
}

// ErrNotCapture is returned by [NewReader] when the file starts with neither
// a pcap nor a pcapng magic number.
var ErrNotCapture = errors.New("not a pcap or pcapng file (unknown magic number)")

// MaxPacket is the largest packet the readers accept, as in Wireshark
// (WTAP_MAX_PACKET_SIZE_STANDARD). A larger length in a record header means
// the file is corrupt; refusing it keeps memory bounded.
const MaxPacket = 262144

// maxBlock bounds one pcapng block, so a corrupt length cannot make the
// reader allocate gigabytes. A packet block holds at most MaxPacket bytes
// of data plus its options.
const maxBlock = MaxPacket + 64*1024

func truncated(packet int, what string, want, got int) *FormatError {
	return &FormatError{Packet: packet, Msg: fmt.Sprintf("truncated %s: header says %d bytes, file ends after %d", what, want, got)}
}
