//go:build unix && !linux

package workers

// threadID: no portable gettid outside Linux; 0 means unknown.
func threadID() int { return 0 }
