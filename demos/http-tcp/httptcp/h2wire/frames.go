package h2wire

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/netdemo/netdemo/internal/netx"

	"golang.org/x/net/http2/hpack"

	"github.com/netdemo/netdemo/internal/wiretap"
)

// Frame is one HTTP/2 frame as it appeared on the connection.
type Frame struct {
	Dir      netx.Direction
	Seq      int           // the Chunk its first byte arrived in
	At       time.Duration // that chunk's time
	Type     string        // "SETTINGS", "HEADERS", ...
	StreamID uint32
	Flags    []string // "END_STREAM", "ACK", ...
	Length   int      // payload bytes (the 9-byte frame header excluded)

	DataLen   int       // DATA: bytes of data, padding excluded
	Settings  []Setting // SETTINGS
	Increment uint32    // WINDOW_UPDATE
	ErrCode   string    // RST_STREAM, GOAWAY
	LastID    uint32    // GOAWAY
	Promised  uint32    // PUSH_PROMISE
	Ping      [8]byte   // PING

	// HEADERS (and PUSH_PROMISE): the whole header block, CONTINUATIONs
	// included, decoded. Fields and Reps pair up by position; Reps is nil
	// when the block's representations could not be paired.
	BlockLen int
	Fields   []hpack.HeaderField
	Reps     []Rep
	HPACKErr string // why the block could not be decoded, if it could not

	block []byte // the header block until it is decoded
}

// Setting is one SETTINGS parameter.
type Setting struct {
	Name string
	Val  uint32
}

// Exchange is everything Parse found.
type Exchange struct {
	Preface bool    // the client sent the 24-byte preface
	Frames  []Frame // both directions, in recorded order
	// Rest says, per direction (indexed by netx.Direction), why that
	// direction's parse stopped before the end: a frame cut off by the end
	// of the recording, or bytes that are not HTTP/2. Empty when every byte
	// was part of a whole frame.
	Rest [2]string
}

// Counts returns the number of frames of each type.
func (e *Exchange) Counts() map[string]int {
	m := map[string]int{}
	for _, f := range e.Frames {
		m[f.Type]++
	}
	return m
}

// Streams returns the stream ids the client opened with HEADERS, in order.
func (e *Exchange) Streams() []uint32 {
	var ids []uint32
	seen := map[uint32]bool{}
	for _, f := range e.Frames {
		if f.Dir == netx.ClientToServer && f.Type == "HEADERS" && !seen[f.StreamID] {
			seen[f.StreamID] = true
			ids = append(ids, f.StreamID)
		}
	}
	return ids
}

// Parse lists the frames in a recording. It returns what it could parse
// even when it also returns an error (bytes that are not HTTP/2).
func Parse(chunks []wiretap.Chunk) (*Exchange, error) {
	ex := &Exchange{}
	var errs []error
	var all []Frame
	for _, d := range []netx.Direction{netx.ClientToServer, netx.ServerToClient} {
		s := newStream(chunks, d)
		if d == netx.ClientToServer {
			if !bytes.HasPrefix(s.data, []byte(Preface)) {
				if len(s.data) > 0 {
					errs = append(errs, fmt.Errorf("client bytes do not start with the HTTP/2 preface %q", Preface))
					ex.Rest[d] = "no HTTP/2 preface"
				}
				continue
			}
			ex.Preface = true
			s.off = len(Preface)
		}
		frames, rest, err := s.frames()
		all = append(all, frames...)
		ex.Rest[d] = rest
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d, err))
		}
	}
	decodeHeaders(all)
	sort.SliceStable(all, func(i, j int) bool { return all[i].Seq < all[j].Seq })
	ex.Frames = all
	return ex, errors.Join(errs...)
}

// stream is one direction's bytes, with a map back to the chunks.
type stream struct {
	dir    netx.Direction
	data   []byte
	starts []int // offset where each chunk begins
	chunks []wiretap.Chunk
	off    int
}

func newStream(chunks []wiretap.Chunk, d netx.Direction) *stream {
	s := &stream{dir: d}
	for _, c := range chunks {
		if c.Dir != d || len(c.Data) == 0 {
			continue
		}
		s.starts = append(s.starts, len(s.data))
		s.chunks = append(s.chunks, c)
		s.data = append(s.data, c.Data...)
	}
	return s
}

// chunkAt is the chunk holding byte off.
func (s *stream) chunkAt(off int) wiretap.Chunk {
	i := sort.Search(len(s.starts), func(i int) bool { return s.starts[i] > off }) - 1
	if i < 0 {
		return wiretap.Chunk{}
	}
	return s.chunks[i]
}

// frames reads frames from s.off to the end. A header block is gathered
// from HEADERS (or PUSH_PROMISE) and its CONTINUATIONs onto the first frame.
func (s *stream) frames() ([]Frame, string, error) {
	var out []Frame
	open := -1 // index in out of a HEADERS still waiting for END_HEADERS
	var block []byte
	for s.off < len(s.data) {
		f, frag, n, err := ReadFrame(s.data[s.off:])
		if errors.Is(err, ErrShort) {
			if len(s.data)-s.off < FrameHeaderLen {
				return out, fmt.Sprintf("%d bytes of a frame header cut off at the end", len(s.data)-s.off), nil
			}
			return out, fmt.Sprintf("%s frame of %d bytes cut off after %d", f.Type, f.Length, len(s.data)-s.off-FrameHeaderLen), nil
		}
		if err != nil {
			return out, "not HTTP/2 from here", fmt.Errorf("frame at byte %d: %w", s.off, err)
		}
		ch := s.chunkAt(s.off)
		f.Dir, f.Seq, f.At = s.dir, ch.Seq, ch.At
		// CONTINUATION must follow the HEADERS it continues, with nothing in
		// between (RFC 9113 §6.10).
		switch {
		case open >= 0 && f.Type != "CONTINUATION":
			return out, "not HTTP/2 from here", fmt.Errorf("frame at byte %d: %s where a CONTINUATION must come", s.off, f.Type)
		case open < 0 && f.Type == "CONTINUATION":
			return out, "not HTTP/2 from here", fmt.Errorf("frame at byte %d: CONTINUATION with no HEADERS before it", s.off)
		}
		s.off += n
		out = append(out, f)
		switch f.Type {
		case "HEADERS", "PUSH_PROMISE":
			block = append([]byte(nil), frag...)
			open = len(out) - 1
		case "CONTINUATION":
			block = append(block, frag...)
		default:
			continue
		}
		if f.HasFlag("END_HEADERS") {
			out[open].block, out[open].BlockLen = block, len(block)
			open, block = -1, nil
		}
	}
	return out, "", nil
}

// decodeHeaders decodes the header blocks of each direction in order with
// one HPACK decoder per direction, as the receiving peer did: a dynamic
// table only makes sense read in sequence.
func decodeHeaders(frames []Frame) {
	// The encoder may use a table as large as the peer's
	// SETTINGS_HEADER_TABLE_SIZE allows; accept the largest one announced.
	limit := uint32(4096)
	for _, f := range frames {
		for _, s := range f.Settings {
			if s.Name == "HEADER_TABLE_SIZE" && s.Val > limit {
				limit = min(s.Val, 1<<20)
			}
		}
	}
	for _, d := range []netx.Direction{netx.ClientToServer, netx.ServerToClient} {
		dec := hpack.NewDecoder(4096, nil)
		dec.SetAllowedMaxDynamicTableSize(limit)
		dec.SetMaxStringLength(1 << 20)
		broken := ""
		for i := range frames {
			f := &frames[i]
			if f.Dir != d || f.block == nil {
				continue
			}
			block := f.block
			f.block = nil
			if broken != "" {
				f.HPACKErr = broken
				continue
			}
			fields, err := dec.DecodeFull(block)
			if err != nil {
				// The table is out of step with the sender's from here on.
				f.HPACKErr = "hpack: " + err.Error()
				broken = "not decoded: an earlier header block failed"
				continue
			}
			f.Fields = fields
			if f.Fields == nil {
				f.Fields = []hpack.HeaderField{}
			}
			reps, err := Representations(block)
			var fieldReps []Rep
			for _, r := range reps {
				if r.Kind != SizeUpdate {
					fieldReps = append(fieldReps, r)
				}
			}
			if err == nil && len(fieldReps) == len(fields) {
				f.Reps = fieldReps
			}
		}
	}
}
