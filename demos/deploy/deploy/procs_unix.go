//go:build unix

package deploy

import (
	"os"
	"os/exec"
	"syscall"
)

// terminate sends sig, or SIGTERM when sig is nil.
func terminate(p *os.Process, sig os.Signal) error {
	if sig == nil {
		sig = syscall.SIGTERM
	}
	return p.Signal(sig)
}

// setGroup makes the process the leader of a new process group.
func setGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
}

// killGroup sends SIGKILL to every process of the group led by pid.
func killGroup(pid int) { syscall.Kill(-pid, syscall.SIGKILL) }
