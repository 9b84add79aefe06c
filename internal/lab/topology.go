package lab

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/netdemo/netdemo/internal/lab/names"
)

// The lab's names and addresses live in package names (so that the demo
// PKI can use them without linking the stacks); these are the same values.
const (
	Domain     = names.Domain
	ClientName = names.ClientName
	ServerName = names.ServerName
	maxLinks   = names.MaxLinks
)

var (
	Subnets    = names.Subnets
	ClientAddr = names.ClientAddr
	ServerAddr = names.ServerAddr
)

// LinkSubnet is the /24 of link i.
func LinkSubnet(i int) netip.Prefix { return names.LinkSubnet(i) }

// LinkAddr is the address of side 0 (Cable.A) or 1 (Cable.B) of link i.
func LinkAddr(i, side int) netip.Addr { return names.LinkAddr(i, side) }

// HostName is the full name of a lab host ("proxy" → "proxy.test").
func HostName(name string) string { return names.HostName(name) }

// Topology is a lab of named hosts joined by links, for demos that need
// more than the client–server preset, for example client → proxy → server:
//
//	lab.Topology{
//		Hosts: []string{"client", "proxy", "server"},
//		Links: []lab.Cable{{A: "client", B: "proxy"}, {A: "proxy", B: "server", Link: &lab.Link{RTT: 2 * time.Millisecond}}},
//	}
//
// Each host gets one NIC per link it is on, with that link's address, and a
// route to that link's subnet: a host reaches the hosts it shares a link
// with. Hosts do not forward, so traffic from client to server goes
// through a program on the proxy (a relay, a reverse proxy) or not at all,
// as behind a real proxy whose IP forwarding is off.
type Topology struct {
	Hosts []string // names: "proxy" is "proxy.test"; at least two
	Links []Cable  // at least one
}

// Cable is one link of a Topology: a wire between two hosts, with its own
// delay, loss and the rest, its own fates and its own frame numbering in
// Frame.Link. Frames from A to B travel in direction netx.ClientToServer.
type Cable struct {
	A, B string
	Link *Link // nil means Config.Link (the one the --rtt, --loss, ... flags set)
}

// preset is the topology New builds without one: client.test and
// server.test on one link, with the addresses ClientAddr and ServerAddr.
func preset(k Link) Topology {
	return Topology{
		Hosts: []string{ClientName, ServerName},
		Links: []Cable{{A: ClientName, B: ServerName, Link: &k}},
	}
}

// validate checks t and returns its hosts' full names.
func (t Topology) validate() ([]string, error) {
	if len(t.Hosts) < 2 || len(t.Links) < 1 {
		return nil, fmt.Errorf("Topology needs at least two hosts and one link, got %d and %d", len(t.Hosts), len(t.Links))
	}
	if len(t.Links) > maxLinks {
		return nil, fmt.Errorf("Topology has %d links, at most %d fit the lab's address ranges", len(t.Links), maxLinks)
	}
	names := make([]string, len(t.Hosts))
	seen := map[string]bool{}
	for i, h := range t.Hosts {
		n := HostName(h)
		if short := strings.TrimSuffix(n, "."+Domain); short == "" || short == "localhost" || strings.ContainsAny(short, " :/[]") {
			return nil, fmt.Errorf("Topology host name %q is not usable as a host name", h)
		}
		if seen[n] {
			return nil, fmt.Errorf("Topology names host %q twice", n)
		}
		seen[n] = true
		names[i] = n
	}
	pairs := map[[2]string]bool{}
	for i, c := range t.Links {
		a, b := HostName(c.A), HostName(c.B)
		if !seen[a] || !seen[b] {
			return nil, fmt.Errorf("Topology link %d joins %q and %q, which are not both among its hosts %v", i, c.A, c.B, names)
		}
		if a == b {
			return nil, fmt.Errorf("Topology link %d joins %q to itself", i, a)
		}
		if pairs[[2]string{a, b}] || pairs[[2]string{b, a}] {
			return nil, fmt.Errorf("Topology joins %q and %q twice", a, b)
		}
		pairs[[2]string{a, b}] = true
		if c.Link != nil {
			if err := c.Link.validate(); err != nil {
				return nil, fmt.Errorf("Topology link %d (%s–%s): %w", i, a, b, err)
			}
		}
	}
	return names, nil
}
