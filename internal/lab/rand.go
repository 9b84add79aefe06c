package lab

import (
	"encoding/binary"
	"math/bits"
	"math/rand/v2"
	"sync"

	"github.com/netdemo/netdemo/internal/netx"
)

// Every random choice in the lab comes from Config.Seed through one of these
// streams. Each stream is a ChaCha8 generator keyed by the seed and the
// stream's name, so the streams are independent of each other. The link's
// stream only makes the keys of the fates (see fateKey); each stack's
// stream feeds that stack.
const (
	streamFates       = "link fates"
	streamClientStack = "stack client"
	streamServerStack = "stack server"
)

// newChaCha8 returns the generator for one named stream of seed.
func newChaCha8(seed int64, stream string) *rand.ChaCha8 {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:8], uint64(seed))
	for i := range len(stream) { // a name longer than 24 bytes is folded in
		key[8+i%24] ^= stream[i] + byte(i/24)
	}
	return rand.NewChaCha8(key)
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

// fateKey is the key of the keyed hash that turns a frame's identity into
// its fate: one per link, derived from the seed.
type fateKey struct{ k0, k1 uint64 }

func newFateKey(seed int64, link int) fateKey {
	g := newChaCha8(seed, streamFates)
	for range link { // link n takes the n-th pair of the stream
		g.Uint64()
		g.Uint64()
	}
	return fateKey{g.Uint64(), g.Uint64()}
}

// draws returns the four uniform numbers in [0, 1) that decide the fate of
// the frame id sent in direction d: for loss, reorder, duplicate and jitter.
//
// They are SipHash-1-3 (after Aumasson and Bernstein, 2012) of the identity under
// the link's key, spread into four numbers by the SplitMix64 finalizer. A
// keyed hash rather than a generator, because a generator hands out numbers
// in the order it is asked, and the order of frames on a link is what
// timing changes; a hash gives the same numbers to the same identity
// whenever it is asked. It is not hash/maphash, whose seed is random per
// process. Nothing here allocates.
func (k fateKey) draws(d netx.Direction, id frameID) [4]float64 {
	f := id.flow
	h := k.sip13(
		uint64(binary.BigEndian.Uint32(f.src.addr[:]))<<32|uint64(binary.BigEndian.Uint32(f.dst.addr[:])),
		uint64(f.src.port)<<48|uint64(f.dst.port)<<32|uint64(f.proto)<<24|uint64(id.kind)<<16|uint64(d)<<8,
		uint64(id.a)<<32|uint64(id.b),
		uint64(id.n),
	)
	var u [4]float64
	for i := range u {
		u[i] = float64(splitmix64(h+uint64(i+1)*0x9e3779b97f4a7c15)>>11) / (1 << 53)
	}
	return u
}

// sip13 is SipHash-1-3 of a 32-byte message given as four little-endian
// words: SipHash with one compression round per word and three
// finalization rounds, the variant Python and Rust hash their tables with.
// The lab needs a well-mixed keyed function, not a MAC against forgers,
// and it runs for every frame.
func (k fateKey) sip13(m0, m1, m2, m3 uint64) uint64 {
	v0 := k.k0 ^ 0x736f6d6570736575
	v1 := k.k1 ^ 0x646f72616e646f6d
	v2 := k.k0 ^ 0x6c7967656e657261
	v3 := k.k1 ^ 0x7465646279746573
	for _, m := range [...]uint64{m0, m1, m2, m3, 32 << 56} { // the last word: the length, no tail
		v3 ^= m
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
		v0 ^= m
	}
	v2 ^= 0xff
	for range 3 {
		v0, v1, v2, v3 = sipRound(v0, v1, v2, v3)
	}
	return v0 ^ v1 ^ v2 ^ v3
}

func sipRound(v0, v1, v2, v3 uint64) (uint64, uint64, uint64, uint64) {
	v0 += v1
	v1 = bits.RotateLeft64(v1, 13) ^ v0
	v0 = bits.RotateLeft64(v0, 32)
	v2 += v3
	v3 = bits.RotateLeft64(v3, 16) ^ v2
	v0 += v3
	v3 = bits.RotateLeft64(v3, 21) ^ v0
	v2 += v1
	v1 = bits.RotateLeft64(v1, 17) ^ v2
	v2 = bits.RotateLeft64(v2, 32)
	return v0, v1, v2, v3
}

// splitmix64 is the output function of Steele, Lea and Flood's SplitMix64.
func splitmix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
