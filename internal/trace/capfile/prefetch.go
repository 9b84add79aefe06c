package capfile

import (
	"io"
	"sync"
)

// prefetch reads a file ahead in large chunks on a goroutine of its own,
// so that the read system calls (the kernel copying the file from the page
// cache: a third of the time of a big capture) overlap the decoding, and
// hands out the bytes in place: a packet is copied only when it straddles
// two chunks.
type prefetch struct {
	full  chan chunk
	free  chan []byte
	done  chan struct{}
	stop  sync.Once
	cur   []byte // unread bytes of the current chunk
	held  []byte // the current chunk's buffer, given back when the next one comes
	spill []byte // a packet that straddles chunks, put together
	err   error  // io.EOF or the read error, once the last chunk has come
}

type chunk struct {
	b   []byte
	err error
}

const (
	chunkSize   = 256 << 10
	chunksAhead = 3
)

func newPrefetch(r io.Reader) *prefetch {
	p := &prefetch{full: make(chan chunk, chunksAhead), free: make(chan []byte, chunksAhead+1), done: make(chan struct{})}
	for range chunksAhead + 1 {
		p.free <- make([]byte, chunkSize)
	}
	go p.run(r)
	return p
}

func (p *prefetch) run(r io.Reader) {
	for {
		var buf []byte
		select {
		case buf = <-p.free:
		case <-p.done:
			return
		}
		// One Read, not ReadFull: from a pipe (tcpdump -w - | netdemo
		// trace read -) packets are shown as they come, not a chunk later.
		n, err := r.Read(buf)
		for n == 0 && err == nil {
			n, err = r.Read(buf)
		}
		select {
		case p.full <- chunk{buf[:n], err}:
		case <-p.done:
			return
		}
		if err != nil {
			return
		}
	}
}

// close stops the goroutine; the reader must not be used afterwards.
func (p *prefetch) close() { p.stop.Do(func() { close(p.done) }) }

// fetch makes the next chunk current. It returns false when there is no
// more data (p.err says why).
func (p *prefetch) fetch() bool {
	if p.err != nil {
		return false
	}
	c := <-p.full
	if p.held != nil {
		p.free <- p.held // the bytes handed out from it are no longer valid
	}
	p.held, p.cur, p.err = c.b[:cap(c.b)], c.b, c.err
	return len(c.b) > 0
}

// next returns the next n bytes, valid until the next call, or on a short
// read the bytes there are and io.ErrUnexpectedEOF (io.EOF when none).
func (p *prefetch) next(n int) ([]byte, int, error) {
	for len(p.cur) == 0 && n > 0 {
		if !p.fetch() {
			return nil, 0, p.err
		}
	}
	if n <= len(p.cur) {
		b := p.cur[:n:n]
		p.cur = p.cur[n:]
		return b, n, nil
	}
	p.spill = append(p.spill[:0], p.cur...)
	p.cur = nil
	for len(p.spill) < n && p.fetch() {
		k := min(n-len(p.spill), len(p.cur))
		p.spill = append(p.spill, p.cur[:k]...)
		p.cur = p.cur[k:]
	}
	if got := len(p.spill); got < n {
		err := p.err
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return p.spill, got, err
	}
	return p.spill, n, nil
}

// peek returns up to n bytes without consuming them (only for the magic
// numbers at the start), putting chunks together when they are short.
func (p *prefetch) peek(n int) ([]byte, error) {
	for len(p.cur) < n {
		have := append([]byte(nil), p.cur...) // fetch gives the chunk back
		if !p.fetch() {
			p.cur = have
			if p.err == io.EOF {
				return have, io.EOF
			}
			return have, p.err
		}
		p.cur = append(have, p.cur...)
	}
	return p.cur[:n], nil
}

// Read makes the prefetched file an io.Reader, for gzip.
func (p *prefetch) Read(b []byte) (int, error) {
	if len(p.cur) == 0 && !p.fetch() {
		return 0, p.err
	}
	n := copy(b, p.cur)
	p.cur = p.cur[n:]
	return n, nil
}
