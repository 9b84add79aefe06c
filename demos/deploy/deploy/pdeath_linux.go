package deploy

import (
	"os/exec"
	"syscall"
)

// setParentDeath asks Linux to signal the process if the demo dies first
// (even by SIGKILL), so that no app server outlives the run. A process
// with workers of its own (nginx, gunicorn) gets its quick-exit signal
// instead of SIGKILL: the parent-death signal is not inherited by the
// workers it forks, and an nginx worker whose master was SIGKILLed
// serves on forever, while a master that is told to quit stops them.
func setParentDeath(cmd *exec.Cmd, quit syscall.Signal) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = quit
}
