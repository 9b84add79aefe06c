//go:build !unix

package deploy

import "os"

// terminate has no gentle form here: Windows has no SIGTERM.
func terminate(p *os.Process) error { return p.Kill() }
