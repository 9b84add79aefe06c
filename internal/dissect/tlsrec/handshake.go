package tlsrec

import "fmt"

// HandshakeType is the first byte of a handshake message (RFC 8446 §4).
type HandshakeType uint8

// Handshake message types of TLS 1.3 and 1.2.
const (
	HelloRequest        HandshakeType = 0 // TLS 1.2
	ClientHello         HandshakeType = 1
	ServerHello         HandshakeType = 2
	NewSessionTicket    HandshakeType = 4
	EndOfEarlyData      HandshakeType = 5
	EncryptedExtensions HandshakeType = 8
	Certificate         HandshakeType = 11
	ServerKeyExchange   HandshakeType = 12 // TLS 1.2
	CertificateRequest  HandshakeType = 13
	ServerHelloDone     HandshakeType = 14 // TLS 1.2
	CertificateVerify   HandshakeType = 15
	ClientKeyExchange   HandshakeType = 16 // TLS 1.2
	Finished            HandshakeType = 20
	KeyUpdate           HandshakeType = 24
)

var handshakeNames = map[HandshakeType]string{
	HelloRequest: "HelloRequest", ClientHello: "ClientHello", ServerHello: "ServerHello", NewSessionTicket: "NewSessionTicket",
	EndOfEarlyData: "EndOfEarlyData", EncryptedExtensions: "EncryptedExtensions", Certificate: "Certificate",
	ServerKeyExchange: "ServerKeyExchange", CertificateRequest: "CertificateRequest", ServerHelloDone: "ServerHelloDone",
	CertificateVerify: "CertificateVerify", ClientKeyExchange: "ClientKeyExchange", Finished: "Finished", KeyUpdate: "KeyUpdate",
}

func (t HandshakeType) String() string {
	if n, ok := handshakeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("handshake_type(%d)", uint8(t))
}

// Message is one handshake message: a 4-byte header (type, 24-bit length)
// and its body.
type Message struct {
	Type HandshakeType
	Body []byte
}

// Len is the message's size with its header.
func (m Message) Len() int { return 4 + len(m.Body) }

// SplitHandshake cuts a handshake byte stream (records' payloads
// concatenated: a message may span records, and a record may hold several)
// into messages; an incomplete message at the end is returned as rest.
func SplitHandshake(b []byte) (msgs []Message, rest []byte) {
	for len(b) >= HandshakeHeaderLen {
		n := HandshakeLen(b)
		if len(b) < 4+n {
			break
		}
		msgs = append(msgs, Message{Type: HandshakeType(b[0]), Body: b[4 : 4+n : 4+n]})
		b = b[4+n:]
	}
	return msgs, b
}

// wiresharkNames are the names Wireshark gives the handshake types in its
// Info column ("Client Hello"), for the types netdemo's trace reader names;
// any other first byte it reads as an encrypted handshake message, as
// tshark 4.0 does.
var wiresharkNames = map[HandshakeType]string{
	HelloRequest: "Hello Request", ClientHello: "Client Hello", ServerHello: "Server Hello",
	NewSessionTicket: "New Session Ticket", EncryptedExtensions: "Encrypted Extensions",
	Certificate: "Certificate", ServerKeyExchange: "Server Key Exchange",
	CertificateRequest: "Certificate Request", ServerHelloDone: "Server Hello Done",
	CertificateVerify: "Certificate Verify", ClientKeyExchange: "Client Key Exchange", Finished: "Finished",
}

// WiresharkName is the name tshark prints for t ("Client Hello"), and
// whether it has one.
func (t HandshakeType) WiresharkName() (string, bool) {
	n, ok := wiresharkNames[t]
	return n, ok
}

// HandshakeHeaderLen is the size of a handshake message header: type and
// a 24-bit length.
const HandshakeHeaderLen = 4

// HandshakeLen is the body length a handshake header gives (b holds at
// least HandshakeHeaderLen bytes).
func HandshakeLen(b []byte) int { return int(b[1])<<16 | int(b[2])<<8 | int(b[3]) }
