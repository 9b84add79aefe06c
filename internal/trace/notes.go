package trace

import "strings"

// The notes: one plain sentence per packet saying what it means, in
// English and Simplified Chinese side by side so that a translation is
// changed together with its original.
//
// Placeholders: {a} {b} numbers, {d} a duration, {s} a text taken from
// the packet (a URL, a server name), {who} the sender ("the client"), {peer}
// the receiver.

const (
	langEN = iota
	langZH
)

type noteID uint8

const (
	noteNone noteID = iota
	noteSYN
	noteSYNAgain
	noteSYNACK
	noteHandshakeACK
	noteFIN1
	noteFIN2ACK
	noteFIN3
	noteFIN2Combined
	noteFIN4
	noteFIN3Last
	noteFINSimultaneous
	noteRSTRefused
	noteRSTAbort
	noteRetransmission
	noteRetransmissionNoOrig
	noteFastRetransmission
	noteSpurious
	noteOutOfOrder
	noteLostSegment
	noteDupACK
	noteDupACK3
	noteAckedUnseen
	noteZeroWindow
	noteWindowFull
	noteKeepAlive
	noteKeepAliveACK
	noteZeroWindowProbe
	noteZeroWindowProbeACK
	noteWindowUpdate
	notePureACK
	noteData
	noteHTTPRequest
	noteHTTPResponse
	noteTLSClientHello
	noteTLSClientHelloNoSNI
	noteTLSServerHello
	noteTLSAppData
	noteTLSAlert
	noteTLSChangeCipherSpec
	noteTLSHandshake
	noteUDP
	noteDNSQuery
	noteDNSResponse
	noteQUICInitial
	noteQUICHandshake
	noteQUIC0RTT
	noteQUIC1RTT
	noteQUICOther
	notePingRequest
	notePingReply
	noteICMPUnreachable
	noteICMPOther
	noteARPRequest
	noteARPReply
	noteFragment
	noteMalformed
	noteOtherIP
	noteUnknownIPProto
	noteUnsupportedLink
	noteNonIP
	noteLLC
	noteSTP
	notePPPoEDiscovery
	noteTCPHeaderPastEnd
	noteTCPHeaderTooShort
	noteCapturedTwice
	noteSYNACKAgain
	noteFINAgain
	noteOutOfOrderFlag
	numNotes
)

var noteTexts = [numNotes][2]string{
	noteSYN: {
		"handshake 1/3: {who} asks to open a connection and picks its initial sequence number",
		"握手 1/3：{who}请求建立连接，并选定自己的初始序列号"},
	noteSYNAgain: {
		"SYN sent again: no answer came yet (lost, or nobody there)",
		"再次发送 SYN：还没有收到回应（丢包，或对方不存在）"},
	noteSYNACK: {
		"handshake 2/3: {who} accepts, acknowledges the SYN and picks its own initial sequence number",
		"握手 2/3：{who}接受连接，确认对方的 SYN，并选定自己的初始序列号"},
	noteHandshakeACK: {
		"handshake 3/3: {who} acknowledges the SYN/ACK; the connection is open",
		"握手 3/3：{who}确认 SYN/ACK，连接建立完成"},
	noteFIN1: {
		"teardown 1/4: {who} has no more data to send and closes its direction (FIN)",
		"挥手 1/4：{who}没有数据要发了，关闭自己的发送方向（FIN）"},
	noteFIN2ACK: {
		"teardown 2/4: {who} acknowledges the FIN; it may still send data until its own FIN",
		"挥手 2/4：{who}确认收到 FIN；在发出自己的 FIN 之前仍可发送数据"},
	noteFIN3: {
		"teardown 3/4: {who} is done too and closes its direction (FIN)",
		"挥手 3/4：{who}也发送完毕，关闭自己的发送方向（FIN）"},
	noteFIN2Combined: {
		"teardown 2/3: {who} acknowledges the FIN and sends its own FIN in the same packet, so this teardown takes 3 packets, not 4",
		"挥手 2/3：{who}在同一个包里确认对方的 FIN 并发出自己的 FIN，所以这次挥手只用 3 个包，而不是 4 个"},
	noteFIN4: {
		"teardown 4/4: {who} acknowledges the last FIN; the connection is closed",
		"挥手 4/4：{who}确认最后一个 FIN，连接关闭"},
	noteFIN3Last: {
		"teardown 3/3: {who} acknowledges the last FIN; the connection is closed",
		"挥手 3/3：{who}确认最后一个 FIN，连接关闭"},
	noteFINSimultaneous: {
		"FIN: {who} closes its direction while the other side closes too (simultaneous close)",
		"FIN：{who}关闭自己的发送方向，对方也同时在关闭（同时关闭）"},
	noteRSTRefused: {
		"RST: nothing listens on that port, so the connection is refused",
		"RST：该端口没有程序在监听，连接被拒绝"},
	noteRSTAbort: {
		"RST: {who} aborts the connection at once, without the FIN exchange",
		"RST：{who}立即中止连接，不经过 FIN 挥手"},
	noteRetransmission: {
		"retransmission of bytes {a}–{b}, {d} after the original: the sender had no ACK for them yet",
		"重传第 {a}–{b} 字节，距原始发送 {d}：发送方还没有收到对它们的确认"},
	noteRetransmissionNoOrig: {
		"retransmission of bytes {a}–{b}: they were sent before",
		"重传第 {a}–{b} 字节：这些数据之前已经发送过"},
	noteFastRetransmission: {
		"fast retransmission of bytes {a}–{b}, {d} after the original: duplicate ACKs reported the loss, no timeout wait",
		"快速重传第 {a}–{b} 字节，距原始发送 {d}：重复 ACK 报告了丢包，无需等待超时"},
	noteSpurious: {
		"spurious retransmission: bytes {a}–{b} were already acknowledged",
		"虚假重传：第 {a}–{b} 字节早已被确认"},
	noteOutOfOrder: {
		"out of order: bytes {a}–{b} arrive after bytes that follow them",
		"乱序：第 {a}–{b} 字节比其后的数据更晚到达"},
	noteLostSegment: {
		"gap: bytes {a}–{b} before this segment were never seen (lost before the capture point, or not captured)",
		"缺口：本段之前的第 {a}–{b} 字节从未出现（在抓包点之前丢失，或没有抓到）"},
	noteDupACK: {
		"duplicate ACK #{a}: {who} still waits for byte {b}, so a segment is missing",
		"第 {a} 个重复 ACK：{who}仍在等待第 {b} 字节，说明有一段数据缺失"},
	noteDupACK3: {
		"third duplicate ACK → the sender will retransmit fast (byte {b} is missing)",
		"第三个重复 ACK → 发送方将快速重传（缺第 {b} 字节）"},
	noteAckedUnseen: {
		"acknowledges bytes up to {a} that the capture never saw",
		"确认了抓包中从未出现过的数据（直到第 {a} 字节）"},
	noteZeroWindow: {
		"zero window: {who}'s receive buffer is full; the sender must pause",
		"零窗口：{who}的接收缓冲区已满，发送方必须暂停"},
	noteWindowFull: {
		"window full: {who} has filled the whole window the receiver offered and must wait for an ACK",
		"窗口已满：{who}已用完接收方提供的全部窗口，必须等待确认"},
	noteKeepAlive: {
		"keep-alive probe: {who} checks that the other side is still there",
		"保活探测：{who}检查对方是否还在"},
	noteKeepAliveACK: {
		"keep-alive answer: {who} is still there",
		"保活应答：{who}还在"},
	noteZeroWindowProbe: {
		"zero-window probe: {who} sends one byte to ask whether there is room again",
		"零窗口探测：{who}发送一个字节，询问是否又有空间了"},
	noteZeroWindowProbeACK: {
		"answer to a zero-window probe: still no room",
		"零窗口探测的应答：仍然没有空间"},
	noteWindowUpdate: {
		"window update: {who} has room again (window {a} bytes)",
		"窗口更新：{who}又有空间了（窗口 {a} 字节）"},
	notePureACK: {
		"pure ACK: acknowledges bytes up to {a}",
		"纯 ACK：确认收到第 {a} 字节及之前的所有数据"},
	noteData: {
		"data: {a} bytes of payload",
		"数据：{a} 字节有效载荷"},
	noteHTTPRequest: {
		"HTTP request {s}",
		"HTTP 请求 {s}"},
	noteHTTPResponse: {
		"HTTP response {s}",
		"HTTP 响应 {s}"},
	noteTLSClientHello: {
		"TLS ClientHello, SNI {s}: the client proposes versions and ciphers; the server name is still readable",
		"TLS ClientHello，SNI {s}：客户端提出版本和加密套件；服务器名仍以明文可见"},
	noteTLSClientHelloNoSNI: {
		"TLS ClientHello: the client proposes versions and ciphers",
		"TLS ClientHello：客户端提出版本和加密套件"},
	noteTLSServerHello: {
		"TLS ServerHello: the server picks the version and cipher; what follows is encrypted",
		"TLS ServerHello：服务器选定版本和加密套件；之后的内容都是加密的"},
	noteTLSAppData: {
		"TLS application data: encrypted, only its length ({a} bytes) is visible",
		"TLS 应用数据：已加密，只能看到长度（{a} 字节）"},
	noteTLSAlert: {
		"TLS alert: an error or the end of the TLS session",
		"TLS 告警：出错或 TLS 会话结束"},
	noteTLSChangeCipherSpec: {
		"TLS ChangeCipherSpec: from here on this side encrypts",
		"TLS ChangeCipherSpec：从这里开始这一方加密发送"},
	noteTLSHandshake: {
		"TLS handshake: {s}",
		"TLS 握手：{s}"},
	noteUDP: {
		"UDP datagram: no handshake, no acknowledgement ({a} bytes)",
		"UDP 数据报：没有握手，也没有确认（{a} 字节）"},
	noteDNSQuery: {
		"DNS query for {s}, over UDP: one datagram out, one back",
		"DNS 查询 {s}，基于 UDP：发出一个数据报，收回一个"},
	noteDNSResponse: {
		"DNS response for {s}",
		"DNS 响应 {s}"},
	noteQUICInitial: {
		"QUIC Initial: starts the QUIC handshake (TLS 1.3 inside UDP)",
		"QUIC Initial：开始 QUIC 握手（TLS 1.3 跑在 UDP 里）"},
	noteQUICHandshake: {
		"QUIC Handshake: continues the encrypted handshake",
		"QUIC Handshake：继续加密的握手"},
	noteQUIC0RTT: {
		"QUIC 0-RTT: application data sent before the handshake ends",
		"QUIC 0-RTT：握手结束前就发送的应用数据"},
	noteQUIC1RTT: {
		"QUIC 1-RTT: encrypted application data (short header)",
		"QUIC 1-RTT：加密的应用数据（短包头）"},
	noteQUICOther: {
		"QUIC: {s}",
		"QUIC：{s}"},
	notePingRequest: {
		"ping request (ICMP echo): are you there?",
		"ping 请求（ICMP 回显）：你在吗？"},
	notePingReply: {
		"ping reply (ICMP echo reply): yes",
		"ping 应答（ICMP 回显应答）：在"},
	noteICMPUnreachable: {
		"ICMP destination unreachable: {s}",
		"ICMP 目标不可达：{s}"},
	noteICMPOther: {
		"ICMP control message: {s}",
		"ICMP 控制消息：{s}"},
	noteARPRequest: {
		"ARP request: who has {s}? (finds the MAC address for an IP address)",
		"ARP 请求：谁是 {s}？（查找 IP 地址对应的 MAC 地址）"},
	noteARPReply: {
		"ARP reply: {s}",
		"ARP 应答：{s}"},
	noteFragment: {
		"IP fragment: a piece of a packet too big for the link",
		"IP 分片：一个对链路来说太大的包的一部分"},
	noteMalformed: {
		"cannot decode: {s}",
		"无法解析：{s}"},
	noteOtherIP: {
		"IP packet of protocol {s}",
		"协议为 {s} 的 IP 包"},
	noteUnknownIPProto: {
		"IP packet of protocol number {a}, which has no name here (not TCP, UDP or ICMP): only its addresses are shown",
		"协议号为 {a} 的 IP 包，这里没有对应的协议名（不是 TCP、UDP 或 ICMP）：只显示地址"},
	noteUnsupportedLink: {
		"not decoded: this interface's link type is {s}, which netdemo does not read (Wireshark does); the other interfaces' packets are",
		"未解析：这个接口的链路类型是 {s}，netdemo 不解析它（Wireshark 可以）；其他接口的包照常解析"},
	noteNonIP: {
		"not an IP packet: {s}; netdemo names it and explains only IP traffic",
		"不是 IP 包：{s}；netdemo 只给出名称，只解释 IP 流量"},
	noteLLC: {
		"IEEE 802.3 frame with an LLC header (to {s}): its type field is a length, not an EtherType; not IP",
		"带 LLC 头的 IEEE 802.3 帧（发往 {s}）：类型字段是长度而不是 EtherType；不是 IP"},
	noteSTP: {
		"spanning tree BPDU: switches agree on a loop-free topology; not IP",
		"生成树 BPDU：交换机据此协商无环拓扑；不是 IP"},
	notePPPoEDiscovery: {
		"PPPoE discovery, {s}: a DSL client and an access concentrator set up a PPP session; IP comes inside the session",
		"PPPoE 发现阶段，{s}：DSL 客户端和接入集中器建立 PPP 会话；IP 包之后在会话里传输"},
	noteTCPHeaderPastEnd: {
		"malformed: the TCP header says it is {a} bytes long but the segment has only {b}; tshark and netdemo leave it out of the sequence analysis",
		"格式错误：TCP 头声称长 {a} 字节，但整个段只有 {b} 字节；tshark 和 netdemo 都不把它计入序列号分析"},
	noteTCPHeaderTooShort: {
		"bogus TCP header length {a}: a header is at least 20 bytes; its fields are not trustworthy",
		"TCP 头长度 {a} 不合法：头部至少 20 字节；其中的字段不可信"},
	noteCapturedTwice: {
		"the same packet again, {d} later (same IP ID, same TCP header): the capture saw it twice (tcpdump -i any sees a packet on each interface it crosses); the sender did not retransmit",
		"同一个包又出现一次，相隔 {d}（IP ID 和 TCP 头都相同）：抓包时看到了两次（tcpdump -i any 会在包经过的每个接口各看到一次）；发送方并没有重传"},
	noteSYNACKAgain: {
		"SYN/ACK sent again, {d} after the first: {who} has not seen the ACK that completes the handshake (lost, or the SYN came again)",
		"再次发送 SYN/ACK，距第一次 {d}：{who}还没有收到完成握手的 ACK（丢失了，或者对方又发了 SYN）"},
	noteFINAgain: {
		"FIN sent again, {d} after the first: {peer} has not acknowledged it yet",
		"再次发送 FIN，距第一次 {d}：{peer}还没有确认它"},
	noteOutOfOrderFlag: {
		"out of order: this segment (sequence number {a}, no payload) arrives after segments that follow it",
		"乱序：这个段（序列号 {a}，无有效载荷）比其后的段更晚到达"},
}

var sideWords = [2][2]string{
	{"the client", "客户端"},
	{"the server", "服务器"},
}

// note is a chosen note with its arguments; rendering is deferred until
// someone asks for the text.
type note struct {
	id   noteID
	a, b int64
	d    int64 // nanoseconds
	s    string
	who  int // 0 client, 1 server
}

// Placeholders of a note template.
const (
	phNone = iota
	phA
	phB
	phD
	phS
	phWho
	phPeer
)

// noteSeg is a piece of a compiled template: literal text, then one
// placeholder (phNone for the last piece).
type noteSeg struct {
	lit string
	ph  uint8
}

// noteSegs holds every template cut at its placeholders once, so that
// rendering a note is a few appends.
var noteSegs = func() (out [numNotes][2][]noteSeg) {
	names := map[string]uint8{"a": phA, "b": phB, "d": phD, "s": phS, "who": phWho, "peer": phPeer}
	for id := range noteTexts {
		for lang, t := range noteTexts[id] {
			var segs []noteSeg
			for {
				i := strings.IndexByte(t, '{')
				j := strings.IndexByte(t, '}')
				if i < 0 || j < i {
					segs = append(segs, noteSeg{lit: t})
					break
				}
				segs = append(segs, noteSeg{lit: t[:i], ph: names[t[i+1:j]]})
				t = t[j+1:]
			}
			out[id][lang] = segs
		}
	}
	return out
}()

// appendNote renders n in language lang onto b.
func appendNote(b []byte, n *note, lang int) []byte {
	start := len(b)
	segs := noteSegs[n.id][lang]
	for i := range segs {
		sg := &segs[i]
		b = append(b, sg.lit...)
		switch sg.ph {
		case phA:
			b = appendInt(b, n.a)
		case phB:
			b = appendInt(b, n.b)
		case phD:
			b = appendMillis(b, n.d)
		case phS:
			b = append(b, n.s...)
		case phWho:
			b = append(b, sideWords[n.who&1][lang]...)
		case phPeer:
			b = append(b, sideWords[(n.who+1)&1][lang]...)
		}
	}
	// A sentence that starts with {who} starts with a capital in English.
	if lang == langEN && len(segs) > 0 && segs[0].lit == "" && segs[0].ph != phNone && len(b) > start && b[start] >= 'a' && b[start] <= 'z' {
		b[start] -= 'a' - 'A'
	}
	return b
}

func appendInt(b []byte, v int64) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	var tmp [20]byte
	i := len(tmp)
	for {
		i--
		tmp[i] = byte('0' + v%10)
		v /= 10
		if v == 0 {
			break
		}
	}
	return append(b, tmp[i:]...)
}

// appendMillis writes a duration the way people say it: "210 ms",
// "1.5 ms", "0.120 ms", "3.2 s"; "?" when unknown (negative).
func appendMillis(b []byte, ns int64) []byte {
	switch {
	case ns < 0:
		return append(b, '?')
	case ns >= 10e9:
		return append(appendInt(b, ns/1e9), " s"...)
	case ns >= 1e9:
		b = appendInt(b, ns/1e9)
		return append(append(append(b, '.'), byte('0'+ns/1e8%10)), " s"...)
	case ns >= 10e6:
		return append(appendInt(b, (ns+5e5)/1e6), " ms"...)
	case ns >= 1e6:
		b = appendInt(b, ns/1e6)
		return append(append(append(b, '.'), byte('0'+ns/1e5%10)), " ms"...)
	default:
		us := ns / 1e3
		b = append(b, "0."...)
		b = append(b, byte('0'+us/100%10), byte('0'+us/10%10), byte('0'+us%10))
		return append(b, " ms"...)
	}
}
