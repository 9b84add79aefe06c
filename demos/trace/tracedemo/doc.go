// Package tracedemo is the trace demo: every packet of a small real exchange
// (HTTP GET and POST on one connection, a UDP request and reply, optionally
// over TLS 1.3), captured on the virtual lab or on the real loopback, printed
// the way tshark prints it with a note on what each packet means, then per
// flow, as a ladder diagram, and written as pcap/pcapng for Wireshark. It
// also measures the "POST sends two TCP packets" claim.
//
// The files hold one concern each: exchange.go is the traffic, source.go
// where it is captured (lab tap, or package live on the loopback),
// analyze.go hands the packets to internal/trace, report.go and files.go
// print and write what it found, post.go and postcount.go are the POST
// measurement, placeholders.go fills "What you just saw".
package tracedemo
