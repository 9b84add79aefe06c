package tcpudp

import (
	"math"
	"slices"
	"time"
)

// percentileMS returns the p-th percentile (0 < p ≤ 100) of ds in
// milliseconds, rounded to 0.1 ms, by the nearest-rank method: the smallest
// value that at least p% of the samples do not exceed. No samples give 0.
func percentileMS(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	rank = min(max(rank, 1), len(s))
	return roundMS(s[rank-1])
}

// roundMS is d in milliseconds, rounded to 0.1 ms.
func roundMS(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*10) / 10
}
