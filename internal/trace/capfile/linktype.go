package capfile

import "strconv"

// LinkType says what the first byte of each packet is: the header of the
// link layer (Ethernet, Linux cooked capture...) or directly an IP header.
// Numbers are the LINKTYPE_ values of https://www.tcpdump.org/linktypes.html.
type LinkType uint16

// The link types that netdemo decodes, plus a few that it only names.
const (
	LinkNull     LinkType = 0   // BSD loopback: 4-byte address family in the writer's byte order
	LinkEthernet LinkType = 1   // Ethernet II
	LinkRawBSD12 LinkType = 12  // raw IP on most BSDs (DLT_RAW)
	LinkRawBSD14 LinkType = 14  // raw IP on OpenBSD (DLT_RAW)
	LinkRaw      LinkType = 101 // raw IP, version taken from the first nibble
	LinkLoop     LinkType = 108 // OpenBSD loopback: 4-byte address family, big endian
	LinkLinuxSLL LinkType = 113 // Linux cooked capture v1 ("any" interface)
	LinkIPv4     LinkType = 228 // raw IPv4 only
	LinkIPv6     LinkType = 229 // raw IPv6 only
	LinkSLL2     LinkType = 276 // Linux cooked capture v2
)

var linkNames = map[LinkType]string{
	0: "NULL", 1: "ETHERNET", 6: "IEEE802_5", 9: "PPP", 10: "FDDI",
	12: "RAW", 14: "RAW", 50: "PPP_HDLC", 51: "PPP_ETHER", 100: "ATM_RFC1483",
	101: "RAW", 104: "C_HDLC", 105: "IEEE802_11", 107: "FRELAY", 108: "LOOP",
	113: "LINUX_SLL", 117: "PFLOG", 119: "IEEE802_11_PRISM", 127: "IEEE802_11_RADIOTAP",
	147: "USER0", 148: "USER1", 149: "USER2", 150: "USER3", 151: "USER4",
	152: "USER5", 153: "USER6", 154: "USER7", 155: "USER8", 156: "USER9",
	157: "USER10", 158: "USER11", 159: "USER12", 160: "USER13", 161: "USER14",
	162: "USER15", 187: "BLUETOOTH_HCI_H4", 189: "USB_LINUX", 195: "IEEE802_15_4",
	201: "BLUETOOTH_HCI_H4_WITH_PHDR", 220: "USB_LINUX_MMAPPED", 228: "IPV4",
	229: "IPV6", 239: "NFLOG", 249: "USBPCAP", 263: "BLUETOOTH_LE_LL",
	276: "LINUX_SLL2",
}

// String returns the tcpdump name of the link type without the LINKTYPE_
// prefix, e.g. "ETHERNET" or "USER0", or the number when it has no name.
func (l LinkType) String() string {
	if n, ok := linkNames[l]; ok {
		return n
	}
	return strconv.Itoa(int(l))
}
