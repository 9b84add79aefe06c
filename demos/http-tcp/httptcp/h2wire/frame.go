package h2wire

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// Preface is what every HTTP/2 client sends first (RFC 9113 §3.4), so that
// a server that does not speak HTTP/2 fails at once.
const Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

// FrameHeaderLen is the fixed frame header: 24-bit length, 8-bit type,
// 8-bit flags, 1 reserved bit and a 31-bit stream id (RFC 9113 §4.1).
const FrameHeaderLen = 9

// Frame types (RFC 9113 §6). An endpoint must ignore a type it does not
// know (§5.5), so the parser lists those as UNKNOWN_0xNN instead of failing.
var typeNames = []string{"DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY", "WINDOW_UPDATE", "CONTINUATION"}

const (
	typeData         = 0x0
	typeHeaders      = 0x1
	typePriority     = 0x2
	typeRSTStream    = 0x3
	typeSettings     = 0x4
	typePushPromise  = 0x5
	typePing         = 0x6
	typeGoAway       = 0x7
	typeWindowUpdate = 0x8
	typeContinuation = 0x9
)

// Flags (RFC 9113 §6): the same bit means different things per type.
const (
	flagEndStream  = 0x1
	flagAck        = 0x1
	flagEndHeaders = 0x4
	flagPadded     = 0x8
	flagPriority   = 0x20
)

var settingNames = map[uint16]string{
	0x1: "HEADER_TABLE_SIZE", 0x2: "ENABLE_PUSH", 0x3: "MAX_CONCURRENT_STREAMS",
	0x4: "INITIAL_WINDOW_SIZE", 0x5: "MAX_FRAME_SIZE", 0x6: "MAX_HEADER_LIST_SIZE",
	0x8: "ENABLE_CONNECT_PROTOCOL", 0x9: "NO_RFC7540_PRIORITIES",
}

var errCodeNames = []string{"NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT", "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR", "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"}

// TypeName names a frame type.
func TypeName(t uint8) string {
	if int(t) < len(typeNames) {
		return typeNames[t]
	}
	return fmt.Sprintf("UNKNOWN_0x%02x", t)
}

func errCodeName(c uint32) string {
	if int64(c) < int64(len(errCodeNames)) {
		return errCodeNames[c]
	}
	return fmt.Sprintf("0x%x", c)
}

// ErrShort means the bytes end before the frame does.
var ErrShort = errors.New("bytes end inside a frame")

// ReadFrame parses the frame at the start of b and returns it with the
// number of bytes it took. A header block fragment is returned in
// fragment; the caller joins HEADERS with its CONTINUATIONs.
func ReadFrame(b []byte) (f Frame, fragment []byte, n int, err error) {
	if len(b) < FrameHeaderLen {
		return f, nil, 0, ErrShort
	}
	length := int(b[0])<<16 | int(b[1])<<8 | int(b[2])
	typ, flags := b[3], b[4]
	f.StreamID = binary.BigEndian.Uint32(b[5:9]) & 0x7fffffff
	f.Type, f.Length, f.Flags = TypeName(typ), length, flagNames(typ, flags)
	if len(b)-FrameHeaderLen < length {
		return f, nil, 0, ErrShort
	}
	p := b[FrameHeaderLen : FrameHeaderLen+length]
	n = FrameHeaderLen + length
	bad := func(format string, args ...any) (Frame, []byte, int, error) {
		return f, nil, n, fmt.Errorf("%s frame: %s", f.Type, fmt.Sprintf(format, args...))
	}
	// unpad strips the padding of DATA, HEADERS and PUSH_PROMISE (§6.1).
	unpad := func() ([]byte, bool) {
		if flags&flagPadded == 0 {
			return p, true
		}
		if len(p) < 1 || int(p[0]) > len(p)-1 {
			return nil, false
		}
		return p[1 : len(p)-int(p[0])], true
	}
	switch typ {
	case typeData:
		d, ok := unpad()
		if !ok {
			return bad("padding longer than the payload")
		}
		f.DataLen = len(d)
	case typeHeaders:
		d, ok := unpad()
		if !ok {
			return bad("padding longer than the payload")
		}
		if flags&flagPriority != 0 {
			if len(d) < 5 {
				return bad("PRIORITY flag but only %d bytes", len(d))
			}
			d = d[5:]
		}
		fragment = d
	case typePriority:
		if length != 5 {
			return bad("length %d, want 5", length)
		}
	case typeRSTStream:
		if length != 4 {
			return bad("length %d, want 4", length)
		}
		f.ErrCode = errCodeName(binary.BigEndian.Uint32(p))
	case typeSettings:
		if f.StreamID != 0 {
			return bad("on stream %d, want 0", f.StreamID)
		}
		if length%6 != 0 || (flags&flagAck != 0 && length != 0) {
			return bad("length %d is not a whole number of settings", length)
		}
		for i := 0; i+6 <= len(p); i += 6 {
			id := binary.BigEndian.Uint16(p[i:])
			name, ok := settingNames[id]
			if !ok {
				name = fmt.Sprintf("UNKNOWN_SETTING_0x%x", id)
			}
			f.Settings = append(f.Settings, Setting{Name: name, Val: binary.BigEndian.Uint32(p[i+2:])})
		}
	case typePushPromise:
		d, ok := unpad()
		if !ok || len(d) < 4 {
			return bad("too short")
		}
		f.Promised = binary.BigEndian.Uint32(d) & 0x7fffffff
		fragment = d[4:]
	case typePing:
		if length != 8 {
			return bad("length %d, want 8", length)
		}
		copy(f.Ping[:], p)
	case typeGoAway:
		if length < 8 {
			return bad("length %d, want at least 8", length)
		}
		f.LastID = binary.BigEndian.Uint32(p) & 0x7fffffff
		f.ErrCode = errCodeName(binary.BigEndian.Uint32(p[4:]))
	case typeWindowUpdate:
		if length != 4 {
			return bad("length %d, want 4", length)
		}
		f.Increment = binary.BigEndian.Uint32(p) & 0x7fffffff
	case typeContinuation:
		fragment = p
	}
	return f, fragment, n, nil
}

var flagsByType = map[uint8][]struct {
	bit  uint8
	name string
}{
	typeData:         {{flagEndStream, "END_STREAM"}, {flagPadded, "PADDED"}},
	typeHeaders:      {{flagEndStream, "END_STREAM"}, {flagEndHeaders, "END_HEADERS"}, {flagPadded, "PADDED"}, {flagPriority, "PRIORITY"}},
	typeSettings:     {{flagAck, "ACK"}},
	typePing:         {{flagAck, "ACK"}},
	typeContinuation: {{flagEndHeaders, "END_HEADERS"}},
	typePushPromise:  {{flagEndHeaders, "END_HEADERS"}, {flagPadded, "PADDED"}},
}

func flagNames(typ, flags uint8) []string {
	var out []string
	for _, fl := range flagsByType[typ] {
		if flags&fl.bit != 0 {
			out = append(out, fl.name)
		}
	}
	return out
}

// HasFlag reports whether the frame carried the named flag.
func (f Frame) HasFlag(name string) bool {
	for _, x := range f.Flags {
		if x == name {
			return true
		}
	}
	return false
}

// String is one line per frame, like "C→S HEADERS stream=1 len=31 END_STREAM|END_HEADERS".
func (f Frame) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s stream=%d len=%d", f.Dir.Arrow(), f.Type, f.StreamID, f.Length)
	if len(f.Flags) > 0 {
		fmt.Fprintf(&b, " %s", strings.Join(f.Flags, "|"))
	}
	if d := f.Detail(); d != "" {
		fmt.Fprintf(&b, " %s", d)
	}
	return b.String()
}

// Detail is the frame's payload in a few words.
func (f Frame) Detail() string {
	switch f.Type {
	case "SETTINGS":
		var parts []string
		for _, s := range f.Settings {
			parts = append(parts, fmt.Sprintf("%s=%d", s.Name, s.Val))
		}
		return strings.Join(parts, " ")
	case "WINDOW_UPDATE":
		return fmt.Sprintf("+%d", f.Increment)
	case "RST_STREAM":
		return f.ErrCode
	case "GOAWAY":
		return fmt.Sprintf("last_stream=%d %s", f.LastID, f.ErrCode)
	case "PING":
		return fmt.Sprintf("%x", f.Ping[:])
	case "DATA":
		return fmt.Sprintf("%d data bytes", f.DataLen)
	case "HEADERS", "PUSH_PROMISE":
		if f.HPACKErr != "" {
			return f.HPACKErr
		}
		if f.Fields == nil {
			return ""
		}
		return fmt.Sprintf("header block %d B, %d fields", f.BlockLen, len(f.Fields))
	}
	return ""
}
