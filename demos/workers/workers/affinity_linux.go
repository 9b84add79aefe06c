package workers

import "golang.org/x/sys/unix"

// pinThread pins the calling OS thread (the caller has locked its
// goroutine to it) to one CPU: cpu, or the first it may run on when cpu is
// negative. Two threads pinned to the same CPU cannot both run: every
// hand-off between them is a real context switch, not a wake-up on the
// other core. restore puts the thread's old CPU set back.
func pinThread(cpu int) (pinned int, restore func(), ok bool) {
	var old unix.CPUSet
	if err := unix.SchedGetaffinity(0, &old); err != nil {
		return -1, func() {}, false
	}
	if cpu < 0 {
		for i := 0; i < 1024; i++ {
			if old.IsSet(i) {
				cpu = i
				break
			}
		}
	}
	if cpu < 0 {
		return -1, func() {}, false
	}
	var one unix.CPUSet
	one.Set(cpu)
	if err := unix.SchedSetaffinity(0, &one); err != nil {
		return -1, func() {}, false
	}
	return cpu, func() { unix.SchedSetaffinity(0, &old) }, true
}

// allowedCPUs is how many CPUs the calling thread may run on (0: unknown).
func allowedCPUs() int {
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(0, &set); err != nil {
		return 0
	}
	return set.Count()
}
