package ioc

import (
	"net/netip"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// Matcher finds indicators in events: IPs and CIDRs through a prefix table,
// domains with subdomain suffix matching, URLs in canonical form, hashes,
// file basenames case-insensitively, e-mail addresses and user agents. It is
// built once and is safe for concurrent use.
type Matcher struct {
	inds    []Indicator
	ip      map[string][]int32 // canonical IP text
	cidr    prefixTable[int32]
	domain  map[string][]int32
	url     map[string][]int32
	hash    map[string][]int32 // md5, sha1 and sha256 differ in length
	file    map[string][]int32
	email   map[string][]int32
	ua      map[string][]int32
	hasCIDR bool
}

// Hit is one indicator found in one field of an event.
type Hit struct {
	Index     int        // position of the indicator in the Matcher's list
	Indicator *Indicator // the indicator (owned by the Matcher: do not modify)
	Field     event.StrField
	Value     string // the field's value that matched
}

// Fields that each type of indicator is looked for in.
func ipFields() [2]event.StrField { return [...]event.StrField{event.DestinationIP, event.SourceIP} }
func domainFields() [4]event.StrField {
	return [...]event.StrField{event.DNSQuestionName, event.URLDomain, event.TLSServerName, event.DestinationDomain}
}
func fileFields() [3]event.StrField {
	return [...]event.StrField{event.FilePath, event.FileName, event.ProcessExecutable}
}
func hashFields() [3]event.StrField {
	return [...]event.StrField{event.FileHashMD5, event.FileHashSHA1, event.FileHashSHA256}
}

// NewMatcher builds a matcher over inds. Indicators refused by the guards
// are left out unless includeRefused; expiry is the caller's business.
func NewMatcher(inds []Indicator, includeRefused bool) *Matcher {
	m := &Matcher{
		inds:   inds,
		ip:     map[string][]int32{},
		domain: map[string][]int32{},
		url:    map[string][]int32{},
		hash:   map[string][]int32{},
		file:   map[string][]int32{},
		email:  map[string][]int32{},
		ua:     map[string][]int32{},
	}
	for i := range inds {
		in := &inds[i]
		if in.Verdict == VerdictRefuse && !includeRefused {
			continue
		}
		idx := int32(i)
		switch in.Type {
		case IPv4, IPv6:
			m.ip[in.Value] = append(m.ip[in.Value], idx)
		case CIDR:
			if p, err := netip.ParsePrefix(in.Value); err == nil {
				m.cidr.insert(p, idx)
				m.hasCIDR = true
			}
		case Domain:
			m.domain[in.Value] = append(m.domain[in.Value], idx)
		case URL:
			m.url[in.Value] = append(m.url[in.Value], idx)
		case MD5, SHA1, SHA256:
			m.hash[in.Value] = append(m.hash[in.Value], idx)
		case Filename:
			m.file[in.Value] = append(m.file[in.Value], idx)
		case Email:
			m.email[in.Value] = append(m.email[in.Value], idx)
		case UserAgent:
			m.ua[in.Value] = append(m.ua[in.Value], idx)
		}
	}
	return m
}

// Indicators returns the matcher's indicators, indexed as in Hit.Index.
func (m *Matcher) Indicators() []Indicator { return m.inds }

// Has reports whether the matcher holds indicators of type t.
func (m *Matcher) Has(t Type) bool {
	switch t {
	case IPv4, IPv6:
		return len(m.ip) > 0
	case CIDR:
		return m.hasCIDR
	case Domain:
		return len(m.domain) > 0
	case URL:
		return len(m.url) > 0
	case MD5, SHA1, SHA256:
		return len(m.hash) > 0
	case Filename:
		return len(m.file) > 0
	case Email:
		return len(m.email) > 0
	case UserAgent:
		return len(m.ua) > 0
	}
	return false
}

// Match calls fn for every indicator found in ev, once per field that holds
// it.
func (m *Matcher) Match(ev *event.Event, fn func(Hit)) {
	emit := func(ids []int32, f event.StrField, v string) {
		for _, i := range ids {
			fn(Hit{Index: int(i), Indicator: &m.inds[i], Field: f, Value: v})
		}
	}
	if len(m.ip) > 0 || m.hasCIDR {
		for _, f := range ipFields() {
			if v := ev.Str(f); v != "" {
				m.MatchIP(v, func(ids []int32) { emit(ids, f, v) })
			}
		}
		if v := ev.Str(event.DNSAnswers); v != "" {
			for a := range strings.SplitSeq(v, ",") {
				if c, ok := event.CanonicalIP(strings.TrimSpace(a)); ok {
					m.MatchIP(c, func(ids []int32) { emit(ids, event.DNSAnswers, v) })
				}
			}
		}
	}
	if len(m.domain) > 0 {
		for _, f := range domainFields() {
			if v := ev.Str(f); v != "" {
				m.MatchDomain(v, func(ids []int32) { emit(ids, f, v) })
			}
		}
	}
	if len(m.url) > 0 {
		if v := ev.Str(event.URLFull); v != "" {
			m.MatchURL(v, func(ids []int32) { emit(ids, event.URLFull, v) })
		}
	}
	if len(m.hash) > 0 {
		for _, f := range hashFields() {
			if v := ev.Str(f); v != "" {
				if ids := m.hash[v]; ids != nil {
					emit(ids, f, v)
				}
			}
		}
	}
	if len(m.file) > 0 {
		for _, f := range fileFields() {
			if v := ev.Str(f); v != "" {
				if ids := m.file[Basename(v)]; ids != nil {
					emit(ids, f, v)
				}
			}
		}
	}
	if len(m.email) > 0 {
		if v := ev.Str(event.UserName); strings.IndexByte(v, '@') > 0 {
			if ids := m.email[strings.ToLower(v)]; ids != nil {
				emit(ids, event.UserName, v)
			}
		}
	}
	if len(m.ua) > 0 {
		if v := ev.Str(event.UserAgentOriginal); v != "" {
			if ids := m.ua[strings.TrimSpace(v)]; ids != nil {
				emit(ids, event.UserAgentOriginal, v)
			}
		}
	}
}

// MatchIP calls fn with the indicators (exact addresses, then prefixes,
// longest first) that a canonical IP address hits.
func (m *Matcher) MatchIP(v string, fn func([]int32)) {
	if ids := m.ip[v]; ids != nil {
		fn(ids)
	}
	if !m.hasCIDR {
		return
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return
	}
	m.cidr.lookup(a, func(_ int, idx int32) bool {
		fn([]int32{idx})
		return true
	})
}

// MatchCIDR calls fn with the prefix indicators containing address v.
func (m *Matcher) MatchCIDR(v string, fn func([]int32)) {
	if !m.hasCIDR {
		return
	}
	a, err := netip.ParseAddr(v)
	if err != nil {
		return
	}
	m.cidr.lookup(a, func(_ int, idx int32) bool {
		fn([]int32{idx})
		return true
	})
}

// MatchDomain calls fn with the domain indicators that a host name is, or
// is under.
func (m *Matcher) MatchDomain(v string, fn func([]int32)) {
	v = strings.TrimSuffix(v, ".")
	if ids := m.domain[v]; ids != nil {
		fn(ids)
	}
	for i := 0; i < len(v); i++ {
		if v[i] == '.' {
			if ids := m.domain[v[i+1:]]; ids != nil {
				fn(ids)
			}
		}
	}
}

// MatchURL calls fn with the URL indicators equal to v once canonicalised.
func (m *Matcher) MatchURL(v string, fn func([]int32)) {
	if ids := m.url[v]; ids != nil {
		fn(ids)
		return
	}
	if k, ok := URLKey(v); ok {
		if ids := m.url[k]; ids != nil {
			fn(ids)
		}
	}
}

// MatchFile calls fn with the file-name indicators equal to the basename of
// path v, ignoring case.
func (m *Matcher) MatchFile(v string, fn func([]int32)) {
	if ids := m.file[Basename(v)]; ids != nil {
		fn(ids)
	}
}

// MatchEmail calls fn with the e-mail indicators equal to v, ignoring case.
func (m *Matcher) MatchEmail(v string, fn func([]int32)) {
	if ids := m.email[strings.ToLower(strings.TrimSpace(v))]; ids != nil {
		fn(ids)
	}
}

// MatchUserAgent calls fn with the user-agent indicators equal to v.
func (m *Matcher) MatchUserAgent(v string, fn func([]int32)) {
	if ids := m.ua[strings.TrimSpace(v)]; ids != nil {
		fn(ids)
	}
}

// InternalHost names the host on the organisation's side of an event in
// which field f matched an indicator: the source address when the
// indicator was the destination (or a name it asked for), the destination
// address when the indicator was the source, the receiver for files seen on
// the wire, and otherwise the observing host.
func InternalHost(ev *event.Event, f event.StrField) string {
	pick := func(vals ...string) string {
		for _, v := range vals {
			if v != "" {
				return v
			}
		}
		return ""
	}
	switch f {
	case event.SourceIP:
		return pick(ev.Str(event.DestinationIP), ev.Host)
	case event.FilePath, event.FileName, event.FileHashMD5, event.FileHashSHA1, event.FileHashSHA256, event.ProcessExecutable:
		if strings.HasPrefix(ev.Kind, "zeek.") {
			return pick(ev.Str(event.DestinationIP), ev.Host)
		}
		return pick(ev.Host, ev.Str(event.SourceIP))
	case event.UserName:
		return pick(ev.Host, ev.Str(event.SourceIP))
	}
	return pick(ev.Str(event.SourceIP), ev.Host)
}
