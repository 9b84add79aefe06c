// Package iomux is the io-mux demo: one echo protocol served five ways
// (package echo), each server measured in a process of its own (package
// remote) from 10 to 10,000 open connections; select's FD_SETSIZE wall hit
// for real; the edge-triggered read-until-EAGAIN rule broken and kept; and
// where a Flask deployment really multiplexes, shown with python3's own
// servers when python3 is installed.
package iomux
