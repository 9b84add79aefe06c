//go:build !linux

package child

import "os/exec"

// setParentDeath has no equivalent outside Linux: the parent's cleanups
// (context cancellation, Stop) end its children.
func setParentDeath(cmd *exec.Cmd) {}
