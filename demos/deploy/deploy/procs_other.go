//go:build !unix

package deploy

import (
	"os"
	"os/exec"
)

// terminate has no gentle form here: Windows has no SIGTERM.
func terminate(p *os.Process, sig os.Signal) error { return p.Kill() }

// setGroup and killGroup have no process groups to use here.
func setGroup(cmd *exec.Cmd) {}
func killGroup(pid int)      {}
