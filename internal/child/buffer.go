package child

import (
	"bytes"
	"sync"
)

// Buffer collects a child's output (its Stdout or Stderr) while the child
// runs: os/exec's copying goroutine writes it and the parent may read it at
// any time, so it is guarded.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

// Write appends p.
func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// String returns what was written so far.
func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
