//go:build !linux

package deploy

import (
	"os/exec"
	"syscall"
)

// setParentDeath has no equivalent here: cleanup relies on the run's
// OnClose.
func setParentDeath(cmd *exec.Cmd, quit syscall.Signal) {}
