package ioc

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/idna"
	"golang.org/x/text/unicode/norm"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// Type is the kind of an indicator.
type Type string

// Indicator types.
const (
	IPv4      Type = "ipv4"
	IPv6      Type = "ipv6"
	CIDR      Type = "cidr"
	Domain    Type = "domain"
	URL       Type = "url"
	MD5       Type = "md5"
	SHA1      Type = "sha1"
	SHA256    Type = "sha256"
	Filename  Type = "filename"
	Email     Type = "email"
	UserAgent Type = "user-agent"
)

// Types lists every indicator type, in display order.
var Types = [...]Type{IPv4, IPv6, CIDR, Domain, URL, MD5, SHA1, SHA256, Filename, Email, UserAgent}

// ParseType reads a type name as written by people and other tools
// ("ip", "hostname", "sha-256", "ua" …).
func ParseType(s string) (Type, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ipv4", "ip4", "ipv4-addr", "ip":
		return IPv4, nil
	case "ipv6", "ip6", "ipv6-addr":
		return IPv6, nil
	case "cidr", "prefix", "net", "network", "subnet":
		return CIDR, nil
	case "domain", "hostname", "host", "fqdn", "domain-name":
		return Domain, nil
	case "url", "uri", "link":
		return URL, nil
	case "md5":
		return MD5, nil
	case "sha1", "sha-1":
		return SHA1, nil
	case "sha256", "sha-256":
		return SHA256, nil
	case "filename", "file", "file-name", "name":
		return Filename, nil
	case "email", "e-mail", "email-addr", "mail":
		return Email, nil
	case "user-agent", "useragent", "ua", "user_agent":
		return UserAgent, nil
	}
	return "", fmt.Errorf("unknown indicator type %q", s)
}

// TLP is a Traffic Light Protocol (2.0) marking. The empty TLP means the
// source did not mark the indicator.
type TLP string

// TLP levels, from least to most restricted.
const (
	TLPClear       TLP = "CLEAR"
	TLPGreen       TLP = "GREEN"
	TLPAmber       TLP = "AMBER"
	TLPAmberStrict TLP = "AMBER+STRICT"
	TLPRed         TLP = "RED"
)

// ParseTLP reads "TLP:AMBER", "amber+strict", "white" (TLP 1.0 for CLEAR) and
// the like.
func ParseTLP(s string) (TLP, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimPrefix(t, "TLP:")
	t = strings.TrimPrefix(t, "TLP_")
	t = strings.TrimPrefix(t, "TLP ")
	t = strings.ReplaceAll(t, "_", "+")
	t = strings.ReplaceAll(t, " ", "")
	switch t {
	case "CLEAR", "WHITE":
		return TLPClear, nil
	case "GREEN":
		return TLPGreen, nil
	case "AMBER":
		return TLPAmber, nil
	case "AMBER+STRICT", "AMBERSTRICT", "AMBER-STRICT":
		return TLPAmberStrict, nil
	case "RED":
		return TLPRed, nil
	case "":
		return "", nil
	}
	return "", fmt.Errorf("unknown TLP %q", s)
}

// Rank orders TLPs by restriction: 0 unmarked, 1 CLEAR … 5 RED.
func (t TLP) Rank() int {
	switch t {
	case TLPClear:
		return 1
	case TLPGreen:
		return 2
	case TLPAmber:
		return 3
	case TLPAmberStrict:
		return 4
	case TLPRed:
		return 5
	}
	return 0
}

// Stricter returns the more restricted of t and u.
func (t TLP) Stricter(u TLP) TLP {
	if u.Rank() > t.Rank() {
		return u
	}
	return t
}

// Verdict is what the guards decided about an indicator.
type Verdict string

// Verdicts. An indicator with no verdict is used as is.
const (
	// VerdictOK: nothing known against the indicator.
	VerdictOK Verdict = ""
	// VerdictFlag: usable, but a responder must look before blocking it
	// (a CDN address, a subdomain of the organisation, a warninglist hit).
	VerdictFlag Verdict = "flag"
	// VerdictRefuse: matching or blocking it would do harm or match half
	// the network (private ranges, public resolvers, very popular domains,
	// hashes of empty files). Not imported or swept unless forced.
	VerdictRefuse Verdict = "refuse"
	// VerdictNeverBlock: hits are evidence of infection and are reported,
	// but containment must never block it (a ransomware kill switch).
	VerdictNeverBlock Verdict = "never-block"
)

// Indicator is one indicator of compromise with its provenance.
type Indicator struct {
	ID         int64     `json:"id,omitempty"`       // store ID, 0 until stored
	Type       Type      `json:"type"`               // what kind of value
	Value      string    `json:"value"`              // normalised value, the one matched
	Original   string    `json:"original,omitempty"` // as the source wrote it (possibly defanged)
	Source     string    `json:"source,omitempty"`   // where it came from: a file, a feed, an organisation
	Confidence int       `json:"confidence,omitempty"`
	TLP        TLP       `json:"tlp,omitempty"`
	Tags       []string  `json:"tags,omitempty"`
	Campaign   string    `json:"campaign,omitempty"`
	FirstSeen  time.Time `json:"first_seen,omitzero"`
	LastSeen   time.Time `json:"last_seen,omitzero"`
	Expires    time.Time `json:"expires,omitzero"`  // zero: never
	Context    string    `json:"context,omitempty"` // a port, a comment, the sentence it was found in
	Verdict    Verdict   `json:"verdict,omitempty"`
	Reason     string    `json:"reason,omitempty"` // why the verdict
}

// Key identifies an indicator independently of its source.
func (in *Indicator) Key() string { return string(in.Type) + ":" + in.Value }

// Expired reports whether the indicator's validity ended before now.
func (in *Indicator) Expired(now time.Time) bool {
	return !in.Expires.IsZero() && !in.Expires.After(now)
}

// New builds an indicator of type t from a value as written, normalising it.
// A CIDR prefix of a single address becomes an address indicator.
func New(t Type, value string) (Indicator, error) {
	nt, v, err := Normalise(t, value)
	if err != nil {
		return Indicator{}, err
	}
	return Indicator{Type: nt, Value: v, Original: value}, nil
}

// Parse detects the type of a value as found in a list (one indicator,
// possibly defanged) and normalises it.
func Parse(value string) (Indicator, error) {
	v := strings.TrimSpace(value)
	if v == "" {
		return Indicator{}, errors.New("empty indicator")
	}
	t, err := Detect(Refang(v))
	if err != nil {
		return Indicator{}, err
	}
	in, err := New(t, Refang(v))
	if err != nil {
		return Indicator{}, err
	}
	in.Original = v
	return in, nil
}

// Detect tells the type of an already refanged value, or an error when it
// is none of the known kinds.
func Detect(v string) (Type, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", errors.New("empty indicator")
	}
	if a, err := netip.ParseAddr(v); err == nil {
		if a.Unmap().Is4() {
			return IPv4, nil
		}
		return IPv6, nil
	}
	if strings.Contains(v, "/") && !strings.Contains(v, "://") {
		if _, err := netip.ParsePrefix(v); err == nil {
			return CIDR, nil
		}
	}
	if isHex(v) {
		switch len(v) {
		case 32:
			return MD5, nil
		case 40:
			return SHA1, nil
		case 64:
			return SHA256, nil
		}
	}
	if i := strings.Index(v, "://"); i > 0 && isScheme(v[:i]) {
		return URL, nil
	}
	if strings.ContainsAny(v, " \t") {
		if looksLikeUserAgent(v) {
			return UserAgent, nil
		}
		return "", fmt.Errorf("cannot tell the type of %q", clip(v))
	}
	if at := strings.LastIndexByte(v, '@'); at > 0 {
		if _, err := normEmail(v); err == nil {
			return Email, nil
		}
	}
	if _, err := normDomain(v); err == nil && !hasFileExtension(v) {
		return Domain, nil
	}
	if _, err := normFilename(v); err == nil && hasFileExtension(v) {
		return Filename, nil
	}
	if _, err := normDomain(v); err == nil {
		return Domain, nil
	}
	return "", fmt.Errorf("cannot tell the type of %q", clip(v))
}

// Normalise checks a value of type t and returns it in canonical form:
// canonical IP text, masked prefixes, lower-case ASCII (IDNA) domains,
// URLs with lower-case scheme and host and no default port or fragment,
// lower-case hashes, lower-case file basenames and e-mail addresses. The
// returned type differs from t only for a one-address prefix, which becomes
// an address.
func Normalise(t Type, v string) (Type, string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return t, "", fmt.Errorf("empty %s", t)
	}
	if !utf8.ValidString(v) {
		return t, "", fmt.Errorf("%s %q: invalid UTF-8", t, clip(v))
	}
	switch t {
	case IPv4, IPv6:
		c, ok := event.CanonicalIP(v)
		if !ok {
			// A list sometimes gives a host address as a prefix.
			if p, err := netip.ParsePrefix(v); err == nil && p.IsSingleIP() {
				c, ok = event.CanonicalIP(p.Addr().String())
			}
		}
		if !ok {
			return t, "", fmt.Errorf("%s %q: not an IP address", t, clip(v))
		}
		if strings.Contains(c, ":") {
			return IPv6, c, nil
		}
		return IPv4, c, nil
	case CIDR:
		p, err := netip.ParsePrefix(v)
		if err != nil {
			if c, ok := event.CanonicalIP(v); ok {
				return Normalise(IPv4, c)
			}
			return t, "", fmt.Errorf("cidr %q: %w", clip(v), err)
		}
		a := p.Addr()
		bits := p.Bits()
		if a.Is4In6() && bits >= 96 {
			a, bits = a.Unmap(), bits-96
		}
		p = netip.PrefixFrom(a.WithZone(""), bits).Masked()
		if p.IsSingleIP() {
			return Normalise(IPv4, p.Addr().String())
		}
		return CIDR, p.String(), nil
	case Domain:
		d, err := normDomain(v)
		return t, d, err
	case URL:
		u, err := normURL(v)
		return t, u, err
	case MD5, SHA1, SHA256:
		want := map[Type]int{MD5: 32, SHA1: 40, SHA256: 64}[t]
		if len(v) != want || !isHex(v) {
			return t, "", fmt.Errorf("%s %q: want %d hex digits", t, clip(v), want)
		}
		return t, strings.ToLower(v), nil
	case Filename:
		f, err := normFilename(v)
		return t, f, err
	case Email:
		e, err := normEmail(v)
		return t, e, err
	case UserAgent:
		if len(v) > 1024 {
			return t, "", fmt.Errorf("user-agent longer than 1024 bytes")
		}
		return t, v, nil
	}
	return t, "", fmt.Errorf("unknown indicator type %q", t)
}

// normDomain lower-cases a host name, applies NFKC and IDNA (Unicode names
// become xn-- labels) and checks its shape.
func normDomain(v string) (string, error) {
	d := strings.TrimSuffix(strings.TrimSpace(v), ".")
	d = strings.ToLower(d)
	for i := 0; i < len(d); i++ {
		if d[i] >= 0x80 {
			d = norm.NFKC.String(d)
			a, err := idna.Lookup.ToASCII(d)
			if err != nil {
				if a, err = idna.Punycode.ToASCII(d); err != nil {
					return "", fmt.Errorf("domain %q: %w", clip(v), err)
				}
			}
			d = a
			break
		}
	}
	if len(d) > 253 || len(d) < 3 {
		return "", fmt.Errorf("domain %q: bad length", clip(v))
	}
	labels := 0
	last := ""
	for l := range strings.SplitSeq(d, ".") {
		if l == "" || len(l) > 63 {
			return "", fmt.Errorf("domain %q: empty or long label", clip(v))
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return "", fmt.Errorf("domain %q: bad character %q", clip(v), c)
			}
		}
		labels++
		last = l
	}
	if labels < 2 {
		return "", fmt.Errorf("domain %q: need at least two labels", clip(v))
	}
	if allDigits(last) {
		return "", fmt.Errorf("domain %q: numeric top-level label", clip(v))
	}
	return d, nil
}

// normURL canonicalises a URL for matching: scheme and host lower-case,
// default port and fragment dropped, empty path written "/". Path and query
// keep their case and escapes.
func normURL(v string) (string, error) {
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("url %q: %w", clip(v), err)
	}
	scheme := strings.ToLower(u.Scheme)
	if !isScheme(scheme) || u.Host == "" {
		return "", fmt.Errorf("url %q: want scheme://host", clip(v))
	}
	host, port := u.Hostname(), u.Port()
	if c, ok := event.CanonicalIP(host); ok {
		host = c
		if strings.Contains(c, ":") {
			host = "[" + c + "]"
		}
	} else {
		d, err := normDomain(host)
		if err != nil {
			return "", fmt.Errorf("url %q: %w", clip(v), err)
		}
		host = d
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return "", fmt.Errorf("url %q: bad port", clip(v))
		}
		if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") || (scheme == "ftp" && port == "21") {
			port = ""
		}
	}
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString("://")
	b.WriteString(host)
	if port != "" {
		b.WriteByte(':')
		b.WriteString(port)
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	b.WriteString(p)
	if u.RawQuery != "" || u.ForceQuery {
		b.WriteByte('?')
		b.WriteString(u.RawQuery)
	}
	return b.String(), nil
}

// URLKey is the form in which a URL from an event is compared with URL
// indicators; it reports false when the text is not an absolute URL.
func URLKey(v string) (string, bool) {
	u, err := normURL(v)
	return u, err == nil
}

func normFilename(v string) (string, error) {
	f := v
	if i := strings.LastIndexAny(f, `/\`); i >= 0 {
		f = f[i+1:]
	}
	f = strings.TrimSpace(f)
	if f == "" || f == "." || f == ".." || len(f) > 255 {
		return "", fmt.Errorf("filename %q: empty or too long", clip(v))
	}
	if strings.ContainsAny(f, "\x00\n\r\t") {
		return "", fmt.Errorf("filename %q: control character", clip(v))
	}
	return strings.ToLower(f), nil
}

// Basename returns the lower-case final element of a Windows or POSIX path,
// the form file names are compared in.
func Basename(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	return strings.ToLower(p)
}

func normEmail(v string) (string, error) {
	v = strings.TrimPrefix(strings.TrimSpace(v), "mailto:")
	at := strings.LastIndexByte(v, '@')
	if at <= 0 || at == len(v)-1 {
		return "", fmt.Errorf("email %q: want local@domain", clip(v))
	}
	local := v[:at]
	if len(local) > 64 || strings.ContainsAny(local, " \t\"<>,;:@()[]\\") {
		return "", fmt.Errorf("email %q: bad local part", clip(v))
	}
	d, err := normDomain(v[at+1:])
	if err != nil {
		return "", fmt.Errorf("email %q: %w", clip(v), err)
	}
	return strings.ToLower(local) + "@" + d, nil
}

func isScheme(s string) bool {
	switch strings.ToLower(s) {
	case "http", "https", "ftp", "ftps", "sftp", "ws", "wss", "tcp", "udp", "smb", "ldap", "ldaps", "rtsp":
		return true
	}
	return false
}

func isHex(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// isFileExtension reports whether a suffix makes a dotted name a file rather
// than a host, even where the suffix is also a top-level domain (.zip, .py,
// .sh, .md).
func isFileExtension(ext string) bool {
	switch strings.ToLower(ext) {
	case "exe", "dll", "scr", "sys", "bat", "cmd", "ps1", "psm1", "vbs", "vbe", "js", "jse", "wsf", "hta", "lnk",
		"jar", "msi", "iso", "img", "vhd", "vhdx", "zip", "rar", "7z", "gz", "tgz", "tar", "cab", "doc", "docx", "docm",
		"xls", "xlsx", "xlsm", "xlsb", "ppt", "pptx", "pptm", "rtf", "pdf", "one", "chm", "txt", "csv", "log", "dat",
		"bin", "tmp", "py", "sh", "pl", "elf", "apk", "dmg", "pkg", "deb", "rpm", "svg", "html", "htm", "php", "asp",
		"aspx", "jsp", "png", "jpg", "jpeg", "gif", "json", "xml", "yml", "yaml", "md", "ini", "cfg", "conf", "db",
		"evtx", "eml", "msg", "ocx", "cpl", "drv", "so", "ps", "mov", "mp4", "jtd", "xll", "wll", "iqy", "slk", "url":
		return true
	}
	return false
}

func hasFileExtension(v string) bool {
	i := strings.LastIndexByte(v, '.')
	if i < 0 || i == len(v)-1 {
		return false
	}
	return isFileExtension(v[i+1:])
}

func looksLikeUserAgent(v string) bool {
	l := strings.ToLower(v)
	for _, p := range []string{"mozilla/", "curl/", "wget/", "python-requests/", "python-urllib/", "go-http-client/", "java/", "powershell/", "winhttp", "okhttp/", "libwww-perl/", "microsoft bits/"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// clip shortens text quoted in an error message.
func clip(s string) string { return clipN(s, 80) }

// clipN shortens s to at most n bytes on a character boundary.
func clipN(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + "…"
}
