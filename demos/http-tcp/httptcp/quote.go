package httptcp

import (
	"fmt"
	"strconv"
)

// quote shows bytes the way a protocol engineer reads them: as a Go string
// literal, so \r\n is visible, cut after max bytes with a note of the rest.
func quote(b []byte, max int) string {
	if len(b) <= max {
		return strconv.Quote(string(b))
	}
	return strconv.Quote(string(b[:max])) + fmt.Sprintf("…(+%d bytes)", len(b)-max)
}
