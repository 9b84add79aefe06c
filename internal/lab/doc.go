// Package lab is the virtual network: hosts, each with its own real
// user-space TCP/IP stack (gVisor netstack), joined by links whose delay,
// jitter, loss, reordering, duplication, rate and MTU we control. By
// default it is two hosts, client and server, on one link.
//
// Typical usage:
//
//	l, err := lab.New(lab.Config{Link: lab.Link{RTT: 40 * time.Millisecond, Loss: 0.01}, Seed: 1})
//	if err != nil { ... }
//	defer l.Close()
//	ln, err := l.Server().Listen(ctx, "tcp", ":80")
//	...
//	c, err := l.Client().Dial(ctx, "tcp", "server.test:80")
//
// A [Host] implements netx.Network, and what it returns are the standard
// library's net.Conn, net.Listener and net.PacketConn, so net/http,
// crypto/tls and quic-go run over the lab unchanged. The addresses
// ([ClientAddr], [ServerAddr], from RFC 5737) and the names [ClientName]
// and [ServerName] ("client.test" and "server.test") exist only inside the
// process: nothing touches the kernel's network, and no privileges are
// needed. They are defined once, in topology.go, and the demo PKI (certs)
// and the demos take them from there.
//
// # Topologies
//
// [Config.Topology] builds any number of named hosts and links instead, for
// example client → proxy → server: each [Cable] joins two hosts and has its
// own [Link] parameters and its own fates. A host gets an address on each
// of its links, from one /24 per link ([LinkSubnet], [LinkAddr]: link 0 is
// 192.0.2.0/24, link 1 198.51.100.0/24, link 2 203.0.113.0/24), and a route
// to each of those subnets, so a host in the middle reaches both sides.
// Hosts do not forward: the client reaches the server only through a
// program on the proxy. [Lab.Host] finds a host by name ("proxy" or
// "proxy.test"), every host resolves every host's name, and [Frame.Link]
// says which link a frame was on. [Lab.Client] and [Lab.Server] are the
// hosts named client.test and server.test, when there are such.
//
// # Why real stacks
//
// The point of the lab is to show what TCP and QUIC do on a bad link:
// slow start, retransmissions, SACK, head-of-line blocking. A simulation
// of TCP would show what its author believed. gVisor's netstack is the
// TCP/IP stack that runs production workloads in gVisor sandboxes, written in
// pure Go: it builds with CGO_ENABLED=0 on Linux, macOS and Windows, and a
// stack is just a value, so the lab can own several. All run with SACK on and
// with buffers large enough for gigabit rates at tens of milliseconds RTT.
//
// # The link
//
// Each host has one NIC per link, speaking raw IPv4 (no Ethernet, no
// ARP). Every packet a stack sends becomes a [Frame]: it is numbered
// (across all links), its fate is decided
// ([Delivered], [Dropped], [Duplicated] or [Reordered]), the taps and the
// pcap see it, and it is scheduled for delivery:
//
//   - A dropped frame goes no further. Loss, like the other fates, is
//     decided as the frame enters the link (as Linux netem does).
//   - With a rate limit it waits its turn on the sender's transmitter and
//     takes size×8/RateBPS to serialize (one unbounded queue per direction,
//     so a fast sender builds a standing queue rather than losing frames).
//   - It then travels RTT/2 plus a jitter drawn uniformly from [0, Jitter).
//   - The line is FIFO: a frame never arrives before the one sent ahead of
//     it, so its delivery time is the later of its own and its predecessor's.
//     Jitter therefore bunches frames up but never reorders them; only
//     Reorder does, by holding a frame back past its slot (by half the
//     one-way delay, at least 1 ms) while the frames behind it pass.
//
// One goroutine per direction of each link delivers the frames, sleeping on one timer
// until the earliest is due, so thousands of frames in flight cost memory,
// not goroutines or timers. On a link with no delay the frames are due at
// once and no timer is armed; they still go through the goroutine rather
// than straight from the sending stack into the receiving one (as gVisor's
// pipe link does), because that keeps delivery in frame order and lets the
// receiving stack work on the other core: bulk TCP runs faster that way
// (about 1.8–2.6 against 1.3–1.8 Gbit/s with a 1500-byte MTU on two cores;
// see BenchmarkTCPThroughput).
//
// The NIC advertises no checksum offload and no segmentation offload: the
// stacks compute every checksum and cut TCP to the MTU, so what the link
// carries, and a pcap records, is what a real wire would.
//
// # Determinism
//
// Every random choice comes from [Config.Seed]. A frame's fate (and its
// jitter) is a keyed hash of the seed and the frame's identity, not of its
// place in the link's queue:
//
//   - a UDP datagram is the n-th datagram of its flow (addresses, ports,
//     direction);
//   - a TCP segment that carries data, SYN or FIN is its sequence number
//     relative to the sender's initial one, its length, and which
//     transmission it is: the first transmission of a segment always meets
//     the same fate, and each retransmission gets a draw of its own;
//   - a pure ACK is its relative sequence and acknowledgment numbers and how
//     many identical ACKs preceded it; anything else is the n-th frame of its
//     kind between two addresses.
//
// So with the same seed and link, every UDP datagram and every first
// transmission of a TCP segment meets the same fate run after run, whatever
// else shares the link: one more ACK in the queue shifts nothing, and
// neither does a [Lab.SetRule] verdict. gVisor's own randomness (ephemeral
// ports, and the secret part of initial sequence numbers) is seeded from the
// same seed, so the flows themselves are the same when the program opens
// them in the same order. The hash is SipHash-1-3, written out in rand.go;
// it is not hash/maphash, whose seed is random in every process.
//
// What the seed does not fix is time. gVisor's timers (retransmission,
// delayed ACKs, pacing), the clock in its initial sequence numbers, and the
// Go scheduler decide when a stack sends, so how many ACKs and
// retransmissions a TCP transfer takes, and where a sender cuts its
// segments, can differ from run to run; the retransmissions' fates, and the
// times every measurement reports, differ with them. The same holds for
// a protocol over UDP that sends on timers, such as QUIC with its ACK-only
// packets: the n-th datagram of its flow always meets the same fate, but
// which packet is the n-th can vary. Sockets opened concurrently may also
// swap their ephemeral ports, and with them their flows' fates.
//
// # Watching
//
// [Lab.AddTap] sees every frame, in order, synchronously, after its fate is
// decided ([Frame.String] prints it the way tcpdump would); [Lab.SetRule]
// can override the random model for chosen frames, for example to drop
// exactly one segment; [Lab.Stats] counts; and [Config.Capture] receives a
// capture of every frame the sender put on the wire, dropped ones included,
// duplicated ones twice, written through capfile's one capture writer:
// classic pcap (all links in one interface) or pcapng (one interface per
// link, named for its hosts, dropped and duplicated frames commented).
// Packets have link type 101 (LINKTYPE_RAW: each starts with its IPv4
// header) and wall-clock timestamps; Wireshark, tshark and tcpdump open
// both. It is flushed by [Lab.Close].
//
// # QUIC
//
// quic-go runs on the net.PacketConn from [Host.ListenPacket]: pass it to
// quic.Listen or quic.Dial (or a quic.Transport); quic.ListenAddr and
// quic.DialAddr open kernel sockets and cannot be used. The PacketConn
// reads and writes *net.UDPAddr, honours deadlines, and has SetReadBuffer
// and SetWriteBuffer, so quic-go sizes its buffers without a warning.
//
// # Closing
//
// [Lab.Close] stops every stack: blocked Accept, Read and Write calls return
// errors, and every goroutine the lab started, gVisor's included, has ended
// when Close returns.
package lab
