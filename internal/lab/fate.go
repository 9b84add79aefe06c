package lab

import (
	"math/rand/v2"
	"time"
)

// decision is the link's random model applied to one frame.
type decision struct {
	fate   Fate
	jitter time.Duration
}

// decide draws the fate of the next frame of one direction.
//
// It always draws exactly four numbers from rng, in the same order, whatever
// the verdict and whatever the outcome: so the n-th frame of a direction
// meets the same draws for a given seed even when a rule overrode an earlier
// frame's fate. The fates exclude each other and are tried in the order
// loss, reorder, duplicate: Loss is the plain probability of a drop, Reorder
// applies to the frames not dropped, Duplicate to those neither dropped nor
// reordered.
func decide(rng *rand.Rand, k *Link, v Verdict) decision {
	uLoss, uReorder, uDup, uJitter := rng.Float64(), rng.Float64(), rng.Float64(), rng.Float64()
	switch v {
	case Drop:
		return decision{fate: Dropped}
	case Pass:
		return decision{fate: Delivered}
	}
	d := decision{fate: Delivered, jitter: time.Duration(uJitter * float64(k.Jitter))}
	switch {
	case uLoss < k.Loss:
		d.fate = Dropped
	case uReorder < k.Reorder:
		d.fate = Reordered
	case uDup < k.Duplicate:
		d.fate = Duplicated
	}
	return d
}
