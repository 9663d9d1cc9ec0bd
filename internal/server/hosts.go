package server

import (
	"net"
	"net/netip"
	"strings"
)

// Hosts is the set of Host header values a server answers for; the
// preview's guard against DNS rebinding. A web page on
// attacker.example can point its own name at 127.0.0.1 and then read the
// writer's preview (drafts, lint reports) with scripts of its own origin;
// its requests carry "Host: attacker.example", which the preview refuses.
//
// Allowed are: localhost and names under .localhost (browsers resolve them
// to loopback themselves, RFC 6761), loopback IP addresses, the listening
// address, and the names given to NewHosts. When the server listens on
// every interface (0.0.0.0, ::, or no host), any IP address is allowed
// too: an address in the Host header was not looked up in DNS, so it
// cannot be rebound, and the machine may be reached through any of its
// addresses (or a forwarded port). A port in the Host header is ignored,
// as is one trailing dot and letter case.
type Hosts struct {
	names map[string]bool
	ips   map[netip.Addr]bool
	anyIP bool
}

// NewHosts returns the Hosts of a server listening on listenHost (the
// host part of --addr: a name, an address, or "" for every interface)
// that also answers for the names (or addresses) in extra.
func NewHosts(listenHost string, extra ...string) *Hosts {
	h := &Hosts{names: map[string]bool{}, ips: map[netip.Addr]bool{}}
	for _, n := range append([]string{listenHost}, extra...) {
		n = normalHost(n)
		if a, err := netip.ParseAddr(n); err == nil {
			a = a.Unmap()
			if a.IsUnspecified() {
				h.anyIP = true
			}
			h.ips[a] = true
		} else if n != "" {
			h.names[n] = true
		} else {
			h.anyIP = true // ":1313" listens on every interface
		}
	}
	return h
}

// Allowed reports whether a request's Host header value (r.Host: a name
// or address, with or without a port) is one the server answers for.
func (h *Hosts) Allowed(hostport string) bool {
	host := normalHost(hostport)
	if host == "" {
		return false // HTTP/1.0 without Host: no browser sends that
	}
	if a, err := netip.ParseAddr(host); err == nil {
		a = a.Unmap()
		return a.IsLoopback() || h.anyIP || h.ips[a]
	}
	return host == "localhost" || strings.HasSuffix(host, ".localhost") || h.names[host]
}

// normalHost strips the port, the brackets of an IPv6 address and one
// trailing dot, and lowers the case.
func normalHost(s string) string {
	s = strings.TrimSpace(s)
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	} else if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	s = strings.TrimSuffix(s, ".")
	if i := strings.IndexByte(s, '%'); i >= 0 && strings.Contains(s, ":") {
		s = s[:i] // an IPv6 zone (fe80::1%eth0) is not part of the address
	}
	return strings.ToLower(s)
}
