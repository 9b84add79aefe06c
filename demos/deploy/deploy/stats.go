package deploy

import (
	"context"
	"math"
	"sort"
	"sync"
	"time"
)

// sample is the latencies of n requests made by conc clients at once.
type sample struct {
	lat     []time.Duration
	elapsed time.Duration
	err     error
}

// measure runs fn n times from conc goroutines and times each call. It
// stops at the first error.
func measure(ctx context.Context, n, conc int, fn func(ctx context.Context) error) sample {
	var (
		mu   sync.Mutex
		lat  = make([]time.Duration, 0, n)
		next int
		ferr error
		wg   sync.WaitGroup
	)
	start := time.Now()
	for g := 0; g < conc; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				if next >= n || ferr != nil || ctx.Err() != nil {
					mu.Unlock()
					return
				}
				next++
				mu.Unlock()
				t0 := time.Now()
				err := fn(ctx)
				d := time.Since(t0)
				mu.Lock()
				if err != nil && ferr == nil {
					ferr = err
				}
				lat = append(lat, d)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ferr == nil {
		ferr = ctx.Err()
	}
	return sample{lat: lat, elapsed: time.Since(start), err: ferr}
}

// percentile is the nearest-rank percentile (p in 0..100).
func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	k := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(k, 0), len(s)-1)]
}

func (s sample) row() timingRow {
	rps := 0.0
	if s.elapsed > 0 {
		rps = float64(len(s.lat)) / s.elapsed.Seconds()
	}
	return timingRow{P50MS: ms(percentile(s.lat, 50)), P99MS: ms(percentile(s.lat, 99)), RPS: math.Round(rps), N: len(s.lat)}
}

// ms is a duration in milliseconds, to four decimals (a tenth of a
// microsecond: an in-process call takes less than one).
func ms(d time.Duration) float64 { return math.Round(float64(d)/1e2) / 1e4 }

// us turns milliseconds into microseconds, to one decimal, for tables.
func us(ms float64) float64 { return math.Round(ms*1e4) / 10 }
