//go:build race

package quicdemo_test

// raceDetector is true under -race, which makes the TLS and QUIC crypto of
// every handshake many times slower: the race's times then measure the
// detector on a busy CPU, not the network.
const raceDetector = true
