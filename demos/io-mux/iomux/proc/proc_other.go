//go:build !linux && !darwin

package proc

import (
	"errors"
	"time"
)

// ErrUnsupported: the io-mux demo runs on Linux and macOS.
var ErrUnsupported = errors.New("needs Linux or macOS")

func CPU() time.Duration        { return 0 }
func RaiseNoFile() (int, error) { return 0, ErrUnsupported }
func Threads() int              { return -1 }
func RSSKB() int                { return -1 }
func OpenFDs() int              { return -1 }
