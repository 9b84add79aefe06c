// Package names holds the virtual lab's host names and addresses, in one
// place: the lab builds its hosts from them, and the demo PKI (certs) and
// the demos' test beds take them from here rather than writing them out.
// It is a package of its own so that those can import the names without
// linking the lab's TCP/IP stacks.
//
// Host names end in .test, which RFC 6761 reserves for testing. Addresses
// come from the ranges RFC 5737 reserves for documentation, one /24 per
// link: on link i, the host written first (Cable.A) is .1 and the other .2.
// They exist only inside the process.
package names

import (
	"net/netip"
	"strings"
)

const (
	Domain     = "test"        // every lab host's name ends in "." + Domain
	ClientName = "client.test" // the client of the client–server preset
	ServerName = "server.test" // its server
)

// Subnets are the link subnets, in the order the links of a lab get them:
// RFC 5737's three documentation networks, then (for a fourth link and
// beyond) /24s of 198.18.0.0/15, which RFC 2544 reserves for benchmarking
// networks.
var Subnets = []netip.Prefix{
	netip.MustParsePrefix("192.0.2.0/24"),    // TEST-NET-1
	netip.MustParsePrefix("198.51.100.0/24"), // TEST-NET-2
	netip.MustParsePrefix("203.0.113.0/24"),  // TEST-NET-3
}

// The addresses of the client–server preset: the two ends of link 0.
var (
	ClientAddr = LinkAddr(0, 0) // 192.0.2.1
	ServerAddr = LinkAddr(0, 1) // 192.0.2.2
)

// MaxLinks is how many links a topology may have: the three RFC 5737
// networks and the 512 /24s of 198.18.0.0/15.
const MaxLinks = 3 + 512

// LinkSubnet is the /24 of link i.
func LinkSubnet(i int) netip.Prefix {
	if i < len(Subnets) {
		return Subnets[i]
	}
	n := i - len(Subnets) // 198.18.0.0/24, 198.18.1.0/24, ... 198.19.255.0/24
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{198, 18 + byte(n/256), byte(n % 256), 0}), 24)
}

// LinkAddr is the address of side 0 (Cable.A) or 1 (Cable.B) of link i.
func LinkAddr(i, side int) netip.Addr {
	a := LinkSubnet(i).Addr().As4()
	a[3] = byte(side + 1)
	return netip.AddrFrom4(a)
}

// HostName is the full name of a lab host: "proxy" becomes "proxy.test",
// and a name already ending in ".test" is kept (in lower case).
func HostName(name string) string {
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if strings.HasSuffix(name, "."+Domain) {
		return name
	}
	return name + "." + Domain
}
