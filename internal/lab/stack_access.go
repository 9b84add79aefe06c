package lab

import "gvisor.dev/gvisor/pkg/tcpip/stack"

// Stack is the host's gVisor stack, for what the net.Conn interface cannot
// reach: a listener with a chosen backlog, the congestion control
// algorithm, buffer sizes, and the stack's own counters (SYN cookies sent
// and accepted). Changing its routes or NICs breaks the lab.
func (h *Host) Stack() *stack.Stack { return h.stack }
