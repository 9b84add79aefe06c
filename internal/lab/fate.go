package lab

import "time"

// decision is the link's random model applied to one frame.
type decision struct {
	fate   Fate
	jitter time.Duration
}

// decide applies the link's random model to one frame, given the four
// numbers the frame's identity drew (see fateKey.draws). The fates exclude
// each other and are tried in the order loss, reorder, duplicate: Loss is
// the plain probability of a drop, Reorder applies to the frames not
// dropped, Duplicate to those neither dropped nor reordered. A rule's
// verdict other than Default overrides the model (and Pass means no jitter).
func decide(u [4]float64, k *Link, v Verdict) decision {
	switch v {
	case Drop:
		return decision{fate: Dropped}
	case Pass:
		return decision{fate: Delivered}
	}
	uLoss, uReorder, uDup, uJitter := u[0], u[1], u[2], u[3]
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
