package deploy

import (
	"os/exec"
	"syscall"
)

// setParentDeath asks Linux to kill the process if the demo dies first
// (even by SIGKILL), so that no app server outlives the run.
func setParentDeath(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
