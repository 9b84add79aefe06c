package trace

import (
	"encoding/binary"
	"strconv"
)

// Frames that carry no IP packet are named, not decoded: the Protocol
// column says what they are (tshark's name where we know it), the Info
// column the few fields that identify them, and the note says plainly that
// netdemo explains IP traffic only.

// etherTypeNames are the EtherTypes (IEEE registry) tshark names that a
// LAN capture commonly holds besides IP and ARP.
var etherTypeNames = map[uint16][2]string{
	0x8035: {"RARP", "Reverse ARP"},
	0x809b: {"AARP", "AppleTalk"},
	0x8808: {"MAC Control", "Ethernet flow control (pause frames)"},
	0x8809: {"Slow Protocols", "LACP link aggregation or OAM"},
	0x8847: {"MPLS", "MPLS label switching"},
	0x8848: {"MPLS", "MPLS label switching (multicast)"},
	0x886d: {"Intel ANS", "Intel adapter teaming probe"},
	0x888e: {"EAPOL", "802.1X port authentication"},
	0x8892: {"PN-RT", "PROFINET real-time"},
	0x88a4: {"ECAT", "EtherCAT"},
	0x88b5: {"0x88b5", "Local Experimental Ethertype 1"},
	0x88b6: {"0x88b6", "Local Experimental Ethertype 2"},
	0x88cc: {"LLDP", "Link Layer Discovery Protocol"},
	0x88e1: {"HomePlug AV", "HomePlug powerline"},
	0x88e5: {"MACsec", "802.1AE encrypted frame"},
	0x88f7: {"PTPv2", "Precision Time Protocol"},
	0x8902: {"CFM", "Connectivity Fault Management"},
	0x8906: {"FCoE", "Fibre Channel over Ethernet"},
	0x8914: {"FIP", "FCoE Initialization Protocol"},
	0x893a: {"IEEE 1905.1", "IEEE 1905.1 home network"},
	0x9000: {"LOOP", "Ethernet loopback (configuration test)"},
}

// pppProtoNames name the PPP protocols other than IP (RFC 1661 and the
// IANA PPP DLL protocol numbers).
var pppProtoNames = map[uint16]string{
	0xc021: "PPP LCP", 0xc023: "PPP PAP", 0xc223: "PPP CHAP", 0x8021: "PPP IPCP",
	0x8057: "PPP IPV6CP", 0x80fd: "PPP CCP", 0xc025: "PPP LQR",
}

// sapNames name the common 802.2 service access points.
var sapNames = map[byte]string{
	0x00: "NULL LSAP", 0x04: "SNA", 0x06: "TCP/IP", 0x42: "Spanning Tree BPDU",
	0x7e: "X.25 PLP", 0x8e: "Active station list", 0xaa: "SNAP", 0xe0: "NetWare",
	0xf0: "NetBIOS", 0xf4: "IBM Net Management", 0xfe: "ISO Network Layer",
}

var pppoeCodes = map[byte]string{
	0x09: "Active Discovery Initiation (PADI)",
	0x07: "Active Discovery Offer (PADO)",
	0x19: "Active Discovery Request (PADR)",
	0x65: "Active Discovery Session-confirmation (PADS)",
	0xa7: "Active Discovery Terminate (PADT)",
}

// nonIP fills the columns and the note of a frame without an IP packet.
func (a *Analyzer) nonIP() {
	f := &a.fr
	b := f.transport
	switch {
	case f.net == netUnsupported:
		a.proto = f.linkType.String()
		a.info = append(a.info, "[link type "...)
		a.info = append(a.info, linkTypeName(f.linkType)...)
		a.info = append(a.info, " not decoded]"...)
		a.nt = note{id: noteUnsupportedLink, s: linkTypeName(f.linkType)}
	case f.net == netLLC:
		a.llc(b)
	case f.net == netPPPoED:
		a.proto = "PPPoED"
		if len(b) < 6 {
			a.info = append(a.info, "[Malformed Packet]"...)
			a.nt = note{id: noteMalformed, s: "short PPPoE discovery header"}
			return
		}
		name, ok := pppoeCodes[b[1]]
		if !ok {
			name = "Unknown code 0x" + string(hex4(uint16(b[1])))
		}
		a.info = append(a.info, name...)
		a.nt = note{id: notePPPoEDiscovery, s: name}
	case f.pppProto != 0:
		name, ok := pppProtoNames[f.pppProto]
		if !ok {
			name = "PPP"
		}
		a.proto = name
		a.info = append(a.info, "PPP protocol 0x"...)
		a.info = append(a.info, hex4(f.pppProto)...)
		a.nt = note{id: noteNonIP, s: name + " (PPP protocol 0x" + string(hex4(f.pppProto)) + ")"}
	case f.net == netOther && f.etherType != 0:
		n, ok := etherTypeNames[f.etherType]
		hexType := "0x" + string(hex4(f.etherType))
		if !ok {
			n = [2]string{hexType, "Ethernet II, type " + hexType}
		}
		a.proto = n[0]
		a.info = append(a.info, n[1]...)
		a.nt = note{id: noteNonIP, s: n[1] + ", EtherType " + hexType}
	default:
		a.proto = "?"
		why := f.malformed
		if why == "" {
			why = "unknown frame"
		}
		a.info = append(a.info, "[Malformed Packet: "...)
		a.info = append(a.info, why...)
		a.info = append(a.info, ']')
		a.nt = note{id: noteMalformed, s: why}
	}
}

// llc names an 802.3 frame by its LLC header (IEEE 802.2): a spanning
// tree BPDU, SNAP, or a frame to some other service access point.
func (a *Analyzer) llc(b []byte) {
	a.proto = "LLC"
	if len(b) < 3 {
		a.info = append(a.info, "[Malformed Packet]"...)
		a.nt = note{id: noteMalformed, s: "short LLC header"}
		return
	}
	dsap, ssap, ctrl := b[0], b[1], b[2]
	if dsap == 0x42 && ssap == 0x42 && len(b) >= 7 {
		a.stp(b[3:])
		return
	}
	if ctrl&3 == 3 {
		a.info = append(a.info, "U, func="...)
		switch ctrl &^ 0x10 {
		case 0x03:
			a.info = append(a.info, "UI"...)
		case 0xaf:
			a.info = append(a.info, "XID"...)
		case 0xe3:
			a.info = append(a.info, "TEST"...)
		default:
			a.info = append(a.info, "0x"...)
			a.info = append(a.info, hex4(uint16(ctrl))[2:]...)
		}
	} else if ctrl&1 == 0 {
		a.info = append(a.info, "I"...)
	} else {
		a.info = append(a.info, "S"...)
	}
	a.info = append(a.info, "; DSAP "...)
	a.info = appendSAP(a.info, dsap&^1)
	if dsap&1 == 0 {
		a.info = append(a.info, " Individual, SSAP "...)
	} else {
		a.info = append(a.info, " Group, SSAP "...)
	}
	a.info = appendSAP(a.info, ssap&^1)
	if ssap&1 == 0 {
		a.info = append(a.info, " Command"...)
	} else {
		a.info = append(a.info, " Response"...)
	}
	a.nt = note{id: noteLLC, s: string(appendSAP(nil, dsap&^1))}
}

func appendSAP(b []byte, sap byte) []byte {
	if n, ok := sapNames[sap]; ok {
		return append(b, n...)
	}
	b = append(b, "0x"...)
	return append(b, hex4(uint16(sap))[2:]...)
}

// stp names a spanning-tree BPDU (IEEE 802.1D §9.3) as tshark does:
// "Conf. Root = 32768/0/02:00:00:00:00:01  Cost = 0  Port = 0x8001".
func (a *Analyzer) stp(b []byte) {
	a.proto = "STP"
	a.nt = note{id: noteSTP}
	typ := b[3]
	if typ == 0x80 {
		a.info = append(a.info, "Topology Change Notification"...)
		return
	}
	if len(b) < 35 {
		a.info = append(a.info, "[Malformed Packet]"...)
		a.nt = note{id: noteMalformed, s: "short spanning tree BPDU"}
		return
	}
	switch {
	case typ == 0x02 && b[2] == 3:
		a.proto = "MSTP"
		a.info = append(a.info, "MST. "...)
	case typ == 0x02:
		a.proto = "RSTP"
		a.info = append(a.info, "RST. "...)
	default:
		a.info = append(a.info, "Conf. "...)
	}
	if b[4]&1 != 0 {
		a.info = append(a.info, "TC + "...)
	}
	prio := binary.BigEndian.Uint16(b[5:])
	a.info = append(a.info, "Root = "...)
	a.info = strconv.AppendUint(a.info, uint64(prio&0xf000), 10)
	a.info = append(a.info, '/')
	a.info = strconv.AppendUint(a.info, uint64(prio&0x0fff), 10)
	a.info = append(a.info, '/')
	a.info = appendMAC(a.info, b[7:13])
	a.info = append(a.info, "  Cost = "...)
	a.info = strconv.AppendUint(a.info, uint64(binary.BigEndian.Uint32(b[13:])), 10)
	a.info = append(a.info, "  Port = 0x"...)
	a.info = append(a.info, hex4(binary.BigEndian.Uint16(b[25:]))...)
}
