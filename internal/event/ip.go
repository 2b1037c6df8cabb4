package event

import "net/netip"

// CanonicalIP returns the canonical text of an IP address: dotted quad for
// IPv4 (including IPv4-mapped IPv6, which is unmapped), RFC 5952 form for
// IPv6, zones dropped. Text already canonical is returned as is, without
// allocation. It reports false for text that is not an IP address.
func CanonicalIP(s string) (string, bool) {
	if isCanonicalIPv4(s) {
		return s, true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return "", false
	}
	a = a.Unmap().WithZone("")
	c := a.String()
	if c == s {
		return s, true
	}
	return c, true
}

// isCanonicalIPv4 reports whether s is a dotted quad with no leading zeros
// and every octet at most 255.
func isCanonicalIPv4(s string) bool {
	if len(s) < 7 || len(s) > 15 {
		return false
	}
	dots, n, digits := 0, 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			if digits > 0 && n == 0 {
				return false // leading zero
			}
			n = n*10 + int(c-'0')
			digits++
			if n > 255 {
				return false
			}
		case c == '.':
			if digits == 0 {
				return false
			}
			dots++
			n, digits = 0, 0
		default:
			return false
		}
	}
	return dots == 3 && digits > 0
}
