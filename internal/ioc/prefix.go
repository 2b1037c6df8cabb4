package ioc

import (
	"net/netip"
	"slices"
)

// prefixTable finds the prefixes that contain an address: one hash map per
// prefix length that is in use, so a lookup costs one masked hash probe per
// distinct length (at most 33 for IPv4, 129 for IPv6) whatever the number of
// prefixes.
type prefixTable[V any] struct {
	v4, v6       map[int]map[netip.Addr][]V
	lens4, lens6 []int // lengths in use, longest first
}

func (t *prefixTable[V]) insert(p netip.Prefix, v V) {
	p = p.Masked()
	a := p.Addr()
	byLen := &t.v6
	lens := &t.lens6
	if a.Is4() {
		byLen, lens = &t.v4, &t.lens4
	}
	if *byLen == nil {
		*byLen = map[int]map[netip.Addr][]V{}
	}
	m := (*byLen)[p.Bits()]
	if m == nil {
		m = map[netip.Addr][]V{}
		(*byLen)[p.Bits()] = m
		*lens = append(*lens, p.Bits())
		slices.SortFunc(*lens, func(a, b int) int { return b - a })
	}
	m[a] = append(m[a], v)
}

// lookup calls fn with the values of every prefix containing a, longest
// prefix first. fn returns false to stop.
func (t *prefixTable[V]) lookup(a netip.Addr, fn func(bits int, v V) bool) {
	a = a.Unmap().WithZone("")
	byLen, lens := t.v6, t.lens6
	if a.Is4() {
		byLen, lens = t.v4, t.lens4
	}
	for _, bits := range lens {
		p, err := a.Prefix(bits)
		if err != nil {
			continue
		}
		for _, v := range byLen[bits][p.Addr()] {
			if !fn(bits, v) {
				return
			}
		}
	}
}
