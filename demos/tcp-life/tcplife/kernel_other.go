//go:build !linux

package tcplife

import "context"

// On systems other than Linux there is no sock_diag: the steps that read
// the kernel's TCP table say so and the rest of the demo runs.

func observeLife(context.Context) (life, error) { return life{}, errNoKernelTable }

func observeCloseWait(_ context.Context, clients int) (closeWait, error) {
	return closeWait{Clients: clients}, errNoKernelTable
}

func timeWaitOn(uint16) (int, error) { return 0, errNoKernelTable }

func listenOverflows() (uint64, bool) { return 0, false }

// kernelSYNSchedule: elsewhere, RFC 6298's doubling is what to expect.
func kernelSYNSchedule() synSchedule { return synSchedule{} }
