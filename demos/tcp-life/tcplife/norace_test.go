//go:build !race

package tcplife_test

const raceOn = false
