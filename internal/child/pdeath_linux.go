package child

import (
	"os/exec"
	"syscall"
)

// setParentDeath asks Linux to kill the child if the parent dies first, so
// that a parent killed with SIGKILL leaves no worker behind.
func setParentDeath(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
