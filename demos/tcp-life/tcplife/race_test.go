//go:build race

package tcplife_test

// raceOn: the race detector slows the lab's stacks several times, so the
// timing of bursts, and with it the inferred round trips, blurs.
const raceOn = true
