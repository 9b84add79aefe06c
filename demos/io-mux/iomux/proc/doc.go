// Package proc reads what the kernel says about this process: CPU time
// (getrusage), OS threads, resident memory, open descriptors, and the
// RLIMIT_NOFILE limit that caps them. The io-mux demo measures its servers
// with it, each server in its own process, so that every number belongs to
// one model and nothing else.
package proc
