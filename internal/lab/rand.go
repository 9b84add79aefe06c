package lab

import (
	"encoding/binary"
	"github.com/netdemo/netdemo/internal/netx"
	"math/rand/v2"
	"sync"
)

// Every random choice in the lab comes from Config.Seed through one of these
// streams. Each stream is a ChaCha8 generator keyed by the seed and the
// stream's name, so the streams are independent of each other: the fates of
// client→server frames do not shift when the server sends one more frame.
const (
	streamClientToServer = "link client→server"
	streamServerToClient = "link server→client"
	streamClientStack    = "stack client"
	streamServerStack    = "stack server"
)

// newChaCha8 returns the generator for one named stream of seed.
func newChaCha8(seed int64, stream string) *rand.ChaCha8 {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:8], uint64(seed))
	copy(key[8:], stream) // names are short; a longer one would be cut, not mixed
	return rand.NewChaCha8(key)
}

// lineRand is the generator that decides the fates of one direction.
func lineRand(seed int64, d netx.Direction) *rand.Rand {
	name := streamClientToServer
	if d == netx.ServerToClient {
		name = streamServerToClient
	}
	return rand.New(newChaCha8(seed, name))
}

// stackRand feeds gVisor's own randomness (initial sequence numbers,
// ephemeral ports, SYN-cookie secrets) from the seed. gVisor wants both a
// math/rand (v1) Source and an io.Reader, safe for concurrent use; one
// locked ChaCha8 serves as both. It is not secret, and in a lab it need not be.
type stackRand struct {
	mu sync.Mutex
	g  *rand.ChaCha8
}

func newStackRand(seed int64, stream string) *stackRand {
	return &stackRand{g: newChaCha8(seed, stream)}
}

// Read implements io.Reader (gVisor's SecureRNG).
func (r *stackRand) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.g.Read(p)
}

// Int63 implements math/rand.Source (gVisor's RandSource).
func (r *stackRand) Int63() int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return int64(r.g.Uint64() >> 1)
}

// Seed implements math/rand.Source. The lab seeds its streams once, in New.
func (r *stackRand) Seed(int64) {}
