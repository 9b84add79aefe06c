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

// UnsupportedFormatError says that a file is a capture (or a compressed
// file) in a format that other tools read but this package does not. It
// unwraps to [ErrNotCapture].
type UnsupportedFormatError struct {
	Name string // "Sun snoop capture", "zstd-compressed file"...
	Hint string // what to do: "convert it: editcap -F pcapng IN OUT.pcapng"
}

func (e *UnsupportedFormatError) Error() string {
	return e.Name + ", which netdemo does not read; " + e.Hint
}

func (e *UnsupportedFormatError) Unwrap() error { return ErrNotCapture }

// otherFormats are the magic numbers of formats tshark reads (or files
// people pass by mistake) that this package does not: they are named, not
// called "not a capture".
var otherFormats = []struct {
	magic string
	name  string
	hint  string
}{
	{"snoop\x00\x00\x00", "a Sun snoop capture", convertHint},
	{"GMBU", "a Microsoft Network Monitor 2 capture", convertHint},
	{"RTSS", "a Microsoft Network Monitor 1 capture", convertHint},
	{"XCP\x00", "a NetXRay / Sniffer capture", convertHint},
	{"TRSNIFF data    \x1a", "a Sniffer (DOS) capture", convertHint},
	{"\x28\xb5\x2f\xfd", "a zstd-compressed file", "decompress it first (zstd -d)"},
	{"\x04\x22\x4d\x18", "an LZ4-compressed file", "decompress it first (lz4 -d)"},
	{"BZh", "a bzip2-compressed file", "decompress it first (bunzip2)"},
	{"\xfd7zXZ\x00", "an xz-compressed file", "decompress it first (unxz)"},
	{"PK\x03\x04", "a zip archive", "extract the capture first (unzip)"},
}

const convertHint = "convert it to pcapng first: editcap -F pcapng IN OUT.pcapng (editcap comes with tshark)"

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
