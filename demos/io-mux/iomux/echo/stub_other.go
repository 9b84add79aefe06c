//go:build !linux && !darwin

package echo

import "errors"

// EventMechanism names the kernel's ready-list interface on this OS.
const EventMechanism = "none"

// FDSetSize is select's limit; this OS's raw servers are not built.
const FDSetSize = 0

var errUnix = errors.New("this server model is written against Linux and macOS system calls")

func listenThreads(string, Config) (Server, error) { return nil, errUnix }
func listenSelect(string, Config) (Server, error)  { return nil, errUnix }
func listenPoll(string, Config) (Server, error)    { return nil, errUnix }
func listenEvents(string, Config) (Server, error)  { return nil, errUnix }
