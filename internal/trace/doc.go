// Package trace explains packet captures: it prints every packet the way
// tshark does, adds under each one a plain sentence saying what it means
// (in English or Simplified Chinese), follows every TCP and UDP flow, and
// draws ladder diagrams.
//
// It serves two callers:
//
//   - a demo that captures packets itself (the virtual lab's tap hands over
//     raw IPv4 packets): it feeds an [Analyzer] one packet at a time with
//     [Analyzer.Add] and gets back a [Packet] record, then asks for the
//     [Summary] and the [Flow] list, and draws the packets with
//     [WriteLadder] or [WriteMermaid];
//   - `netdemo trace read FILE`, which calls [ReadFile] to stream any pcap
//     or pcapng file to text or JSON Lines in bounded memory.
//
// Typical usage in a demo:
//
//	a := trace.NewAnalyzer(trace.Options{Lang: "zh"})
//	var packets []trace.Packet
//	lab.AddTap(func(f lab.Frame) { packets = append(packets, a.Add(f.At, f.Data)) })
//	...
//	for _, p := range packets { fmt.Println(p.Line()); fmt.Println("  ", p.Note) }
//	trace.WriteLadder(os.Stdout, packets, trace.LadderOptions{Notes: true})
//	trace.WriteFlows(os.Stdout, a.Flows(), "zh")
//
// # What the lines say
//
// Each line has tshark's default columns: number, seconds since the first
// packet, source → destination, protocol, length and Info. TCP sequence and
// acknowledgement numbers are relative to each side's initial sequence
// number; Win= is the window scaled by the factor agreed in the handshake.
// The expert labels ("[TCP Retransmission]", "[TCP Dup ACK 12#3]",
// "[TCP Previous segment not captured]"...) follow the rules of Wireshark's
// tcp_analyze_sequence_number, so the same capture gives the same labels
// as tshark 4.0. HTTP request and status lines, TLS records, DNS questions
// and QUIC long headers are recognised from their first bytes.
//
// # Memory and speed
//
// Nothing is kept per packet: only per-flow state (a few hundred bytes per
// flow, capped by Options.MaxFlows). Decoding reads the headers in place
// (capfile hands out packets from its read buffer), and [Read] splits the
// work over two goroutines: one decodes and analyses the packets in order,
// the other formats the lines or the JSON objects (written by hand, without
// reflection) batch by batch, in the same order, into reused buffers. A
// packet costs a few hundred nanoseconds, tens of times less than tshark,
// which dissects every field; memory stays flat. `make bench-trace`
// (internal/trace/benchtrace) times text, --json, tshark and tcpdump side
// by side.
//
// # Captures from other tools
//
// Whatever tshark reads among pcap, "modified pcap" (magic a1b2cd34),
// pcapng and their gzip-compressed forms is read; "-" is standard input.
// A pcapng may mix interfaces of several link types: packets of a link
// type the decoder does not know get one line that says so, the others are
// decoded. PPPoE and PPP carry IP and are decoded; 802.3/LLC frames,
// spanning tree and other EtherTypes are named. Packets without a time
// (pcapng simple packet blocks) show none, as in tshark. A second copy of
// the same packet (same IP ID and TCP header, as tcpdump -i any records
// when a packet crosses two interfaces) gets tshark's label and a note that
// says it was captured twice. testdata/make-captures.sh writes such
// captures with tcpdump, editcap, mergecap and text2pcap, and
// TestCapturesAgainstTshark compares every one with tshark.
//
// # JSON
//
// With Options.JSON each packet is a {"kind":"packet",...} line ([Packet])
// and the last line is {"kind":"result",...} ([Result]): the counts of
// [Summary] at the top level ("packets", "flows", "retransmissions"...) and
// the flows ([Flow]) as a list under "flow_list" — the shape of the result
// of `netdemo run trace --json`.
//
// # Files
//
// The subpackage capfile reads and writes pcap and pcapng. [Annotate]
// rewrites a capture as pcapng with each note as a packet comment, which
// Wireshark shows; [WriteSyntheticCapture] makes a valid capture with
// losses and retransmissions, for benchmarks and tests.
package trace
