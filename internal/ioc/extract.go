package ioc

import (
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Found is one indicator found in a text.
type Found struct {
	Indicator
	Text     string `json:"text"`           // as written in the text
	Offset   int    `json:"offset"`         // byte offset in the text
	Line     int    `json:"line"`           // 1-based
	Col      int    `json:"col"`            // 1-based, in characters
	Part     string `json:"part,omitempty"` // for mail: "subject", "body", an attachment's name
	Defanged bool   `json:"defanged,omitempty"`
	Derived  bool   `json:"derived,omitempty"` // not written as such: the host of a URL
	Count    int    `json:"count"`             // occurrences in the text
}

// Mention is a date or time written in a notice, kept as context for the
// sweep window. Times without a zone are taken as JST.
type Mention struct {
	Time     time.Time `json:"time"`
	Text     string    `json:"text"`
	Offset   int       `json:"offset"`
	Line     int       `json:"line"`
	Part     string    `json:"part,omitempty"`
	DateOnly bool      `json:"date_only,omitempty"`
}

// Extraction is what Extract found.
type Extraction struct {
	Found []Found   `json:"indicators"`
	Times []Mention `json:"times"`
	// TLP is the strictest TLP marking written in the text ("TLP:AMBER"),
	// applied to every indicator found; empty when none.
	TLP TLP `json:"tlp,omitempty"`
}

// Earliest returns the earliest time mentioned, or the zero time.
func (x *Extraction) Earliest() time.Time {
	var t time.Time
	for _, m := range x.Times {
		if t.IsZero() || m.Time.Before(t) {
			t = m.Time
		}
	}
	return t
}

// Indicators returns the indicators found, in order of appearance.
func (x *Extraction) Indicators() []Indicator {
	out := make([]Indicator, len(x.Found))
	for i := range x.Found {
		out[i] = x.Found[i].Indicator
	}
	return out
}

// maxExtract bounds the text examined, so that a hostile input cannot make
// extraction take unbounded time or memory.
const maxExtract = 16 << 20

// jst is Japan Standard Time (no daylight saving), the zone assumed for
// times in notices that do not name one.
func jst() *time.Location { return time.FixedZone("JST", 9*3600) }

// Extract finds indicators in free text: URLs, e-mail addresses, IPv4 and
// IPv6 addresses and prefixes, hashes, domains, and, where a line says so,
// file names and user agents. It undoes defanging (hxxp, [.], (.), {.},
// [dot], [:], [@] …), folds full-width characters (NFKC), ignores Japanese
// punctuation around indicators, strips trailing punctuation, and collects
// the dates and times mentioned. Ordinary prose yields nothing: version
// numbers are not addresses, "e.g." and "report.pdf" are not domains.
func Extract(text string) Extraction {
	return extract(text, "")
}

func extract(text, part string) Extraction {
	if len(text) > maxExtract {
		text = text[:maxExtract]
	}
	nt, start, end := fold(text)
	rt, rstart, rend := refang(nt, start, end)
	x := &extractor{orig: text, t: rt, start: rstart, end: rend, part: part, byKey: map[string]int{}}
	x.lines = lineStarts(text)
	x.run()
	return Extraction{Found: x.found, Times: x.times, TLP: x.tlp}
}

// fold applies NFKC to each character (full-width letters, digits and
// punctuation become ASCII), turns ideographic spaces into spaces and drops
// zero-width characters. start[i] and end[i] give the span in the original
// of the character that produced byte i.
func fold(s string) (string, []int, []int) {
	var b strings.Builder
	b.Grow(len(s))
	start := make([]int, 0, len(s)+1)
	end := make([]int, 0, len(s)+1)
	var buf [utf8.UTFMax]byte
	for i, r := range s {
		size := utf8.RuneLen(r)
		if r == utf8.RuneError {
			size = 1
		}
		var out string
		switch {
		case r < 0x80:
			out = string(rune(r))
		case r == 0x200B || r == 0x200C || r == 0x200D || r == 0xFEFF || r == 0x00AD || r == 0x2060:
			continue
		case r == 0x3000 || r == 0x00A0:
			out = " "
		default:
			n := utf8.EncodeRune(buf[:], r)
			out = norm.NFKC.String(string(buf[:n]))
		}
		for k := 0; k < len(out); k++ {
			start = append(start, i)
			end = append(end, i+size)
		}
		b.WriteString(out)
	}
	return b.String(), start, end
}

// defangs lists defanged spellings and what they stand for. Matching is
// case-insensitive.
type defang struct{ from, to string }

func defangs() []defang {
	return []defang{
		{"hxxps://", "https://"}, {"hxxp://", "http://"}, {"hxxps", "https"}, {"hxxp", "http"},
		{"hxtps", "https"}, {"hxtp", "http"}, {"h**ps", "https"}, {"h**p", "http"}, {"fxp://", "ftp://"},
		{"[://]", "://"}, {"[:]//", "://"}, {"[:]", ":"}, {"(:)", ":"}, {"[/]", "/"},
		{"[.]", "."}, {"(.)", "."}, {"{.}", "."}, {"[dot]", "."}, {"(dot)", "."}, {"{dot}", "."},
		{" [.] ", "."}, {" [dot] ", "."}, {" (dot) ", "."},
		{"[@]", "@"}, {"(@)", "@"}, {"{@}", "@"}, {"[at]", "@"}, {"(at)", "@"},
	}
}

// refang undoes defanged forms, carrying the span map along.
func refang(s string, start, end []int) (string, []int, []int) {
	defangs := defangs()
	var b strings.Builder
	b.Grow(len(s))
	ns := make([]int, 0, len(s))
	ne := make([]int, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i] | 0x20
		matched := false
		if c == 'h' || c == 'f' || c == '[' || c == '(' || c == '{' || c == ' ' {
			for _, d := range defangs {
				if len(s)-i >= len(d.from) && strings.EqualFold(s[i:i+len(d.from)], d.from) {
					if d.from[0] == ' ' && !(i > 0 && isAlnum(s[i-1]) && i+len(d.from) < len(s) && isAlnum(s[i+len(d.from)])) {
						continue // " [.] " only between letters or digits
					}
					if (c == 'h' || c == 'f') && i > 0 && isAlnum(s[i-1]) {
						continue // not at the start of a word
					}
					last := i + len(d.from) - 1
					for k := 0; k < len(d.to); k++ {
						ns = append(ns, start[i])
						ne = append(ne, end[last])
					}
					b.WriteString(d.to)
					i += len(d.from)
					matched = true
					break
				}
			}
		}
		if !matched {
			b.WriteByte(s[i])
			ns = append(ns, start[i])
			ne = append(ne, end[i])
			i++
		}
	}
	return b.String(), ns, ne
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func lineStarts(s string) []int {
	ls := []int{0}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			ls = append(ls, i+1)
		}
	}
	return ls
}

type extractor struct {
	orig       string
	t          string // folded and refanged
	start, end []int
	part       string
	lines      []int
	used       []span
	found      []Found
	byKey      map[string]int
	times      []Mention
	tlp        TLP
}

type span struct{ a, b int }

// Patterns, on folded and refanged text. Matches are checked further in
// code; these only find candidates.
var (
	reURL    = regexp.MustCompile(`(?i)\b(?:https?|ftps?|sftp|wss?)://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+`)
	reEmail  = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+`)
	reIPv4   = regexp.MustCompile(`\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(?:/\d{1,2})?(?::\d{1,5})?`)
	reIPv6   = regexp.MustCompile(`[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:(?:\.\d{1,3}){3})?(?:/\d{1,3})?`)
	reDomain = regexp.MustCompile(`(?:[A-Za-z0-9_](?:[A-Za-z0-9\-_]{0,61}[A-Za-z0-9])?\.)+[A-Za-z][A-Za-z0-9\-]{0,62}`)
	reFile   = regexp.MustCompile(`[^\s"'<>|*?/\\:：、。，,「」『』【】()（）=]+\.[A-Za-z0-9]{1,5}\b`)
	reUA     = regexp.MustCompile(`(?im)^[ \t>*\-・]*(?:user[- ]?agent|UA|ユーザー?エージェント)[ \t]*[:=][ \t]*(.+?)[ \t]*$`)
	reTLP    = regexp.MustCompile(`(?i)\bTLP[ \t]*[:\-]?[ \t]*(CLEAR|WHITE|GREEN|AMBER\+STRICT|AMBER|RED)\b`)
	reDate   = regexp.MustCompile(`(\d{4})[-/年.](\d{1,2})[-/月.](\d{1,2})日?(?:[ \t]*\([^)\n]{1,3}\))?(?:[ \tT]*(\d{1,2})[:時](\d{2})?(?:[:分](\d{2}))?(?:\.\d+)?[秒分]?)?(?:[ \t]*(頃|ごろ))?[ \t]*(JST|UTC|GMT|Z|[+-]\d{2}:?\d{2}|\(JST\)|\(UTC\))?`)
	// Words after which a dotted number is a version, not an address.
	reVersionBefore = regexp.MustCompile(`(?i)(?:\bv|\bver\.?|\bversion|\brelease|\bbuild|バージョン|版)[ \t]*$`)
	reFileLabel     = regexp.MustCompile(`(?i)file[ \t]*name|filename|ファイル名|検体|マルウェア|malware|sample|dropper|payload|実行ファイル|不正な?プログラム`)
)

// proseDomains are dotted words of ordinary technical prose that look like
// domains.
func proseDomain(d string) bool {
	switch d {
	case "asp.net", "vb.net", "ado.net", "node.js", "vue.js", "next.js", "react.js", "e.g", "i.e", "u.s", "a.m", "p.m":
		return true
	}
	return false
}

func (x *extractor) run() {
	t := x.t
	for _, m := range reTLP.FindAllStringSubmatch(t, -1) {
		if tl, err := ParseTLP(m[1]); err == nil {
			x.tlp = x.tlp.Stricter(tl)
		}
	}
	x.dates()
	// URLs first: their hosts and paths must not be read again as domains
	// or file names.
	var urls [][]int
	runs(t, urlByte, ':', func(a, b int) { urls = append(urls, findIn(reURL, t, a, b)...) })
	for _, m := range urls {
		a, b := m[0], trimURLEnd(t, m[0], m[1])
		raw := t[a:b]
		in, err := New(URL, raw)
		if err != nil {
			continue
		}
		x.add(in, a, b, false)
		x.used = append(x.used, span{a, b})
		if h := urlHost(in.Value); h != "" {
			typ := Domain
			if c, ok := canonicalIPText(h); ok {
				h = c
				typ = IPv4
				if strings.Contains(c, ":") {
					typ = IPv6
				}
			}
			if hin, err := New(typ, h); err == nil {
				hin.Context = "host of " + in.Value
				x.add(hin, a, b, true)
			}
		}
	}
	var emails [][]int
	runs(t, emailByte, '@', func(a, b int) { emails = append(emails, findIn(reEmail, t, a, b)...) })
	for _, m := range emails {
		a, b := m[0], m[1]
		if x.overlaps(a, b) {
			continue
		}
		at := strings.IndexByte(t[a:b], '@')
		if !x.knownTLD(t[a+at+1:b], a+at+1, b) {
			continue
		}
		in, err := New(Email, t[a:b])
		if err != nil {
			continue
		}
		x.add(in, a, b, false)
		x.used = append(x.used, span{a, b})
	}
	runs(t, ipv4Byte, '.', func(a, b int) {
		for _, m := range findIn(reIPv4, t, a, b) {
			x.ipv4(m[0], m[1])
		}
	})
	runs(t, ipv6Byte, ':', func(a, b int) {
		if strings.Count(t[a:b], ":") < 2 {
			return
		}
		for _, m := range findIn(reIPv6, t, a, b) {
			x.ipv6(m[0], m[1])
		}
	})
	var hashes [][]int
	runs(t, hexRunByte, 0, func(a, b int) {
		if n := b - a; n == 32 || n == 40 || n == 64 {
			hashes = append(hashes, []int{a, b})
		}
	})
	for _, m := range hashes {
		a, b := m[0], m[1]
		if x.overlaps(a, b) || (a > 0 && isWordByte(t[a-1])) || (b < len(t) && isWordByte(t[b])) {
			continue
		}
		v := t[a:b]
		typ, ok := map[int]Type{32: MD5, 40: SHA1, 64: SHA256}[len(v)]
		if !ok || !strings.ContainsAny(v, "0123456789") || !strings.ContainsAny(strings.ToLower(v), "abcdef") {
			continue
		}
		in, err := New(typ, v)
		if err != nil {
			continue
		}
		x.add(in, a, b, false)
		x.used = append(x.used, span{a, b})
	}
	runs(t, domainByte, '.', func(a, b int) {
		for _, m := range findIn(reDomain, t, a, b) {
			x.domain(m[0], m[1])
		}
	})
	x.files()
	for _, m := range reUA.FindAllStringSubmatchIndex(t, -1) {
		a, b := m[2], m[3]
		v := strings.Trim(t[a:b], `"'「」 `)
		if len(v) < 6 {
			continue
		}
		if in, err := New(UserAgent, v); err == nil {
			x.add(in, a, b, false)
		}
	}
	sort.SliceStable(x.found, func(i, j int) bool { return x.found[i].Offset < x.found[j].Offset })
	if x.tlp != "" {
		for i := range x.found {
			x.found[i].TLP = x.tlp
		}
	}
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

// runs calls fn for each maximal run of bytes in class that contains the
// byte must (0: any), with its offsets. Running the candidate patterns on
// such runs only, instead of on the whole text, keeps extraction linear and
// fast on long prose.
func runs(t string, class func(byte) bool, must byte, fn func(a, b int)) {
	for i := 0; i < len(t); {
		if !class(t[i]) {
			i++
			continue
		}
		j := i
		has := must == 0
		for j < len(t) && class(t[j]) {
			if t[j] == must {
				has = true
			}
			j++
		}
		if has {
			fn(i, j)
		}
		i = j
	}
}

// findIn runs re on the run [a,b) of t and returns the matches with offsets
// in t.
func findIn(re *regexp.Regexp, t string, a, b int) [][]int {
	ms := re.FindAllStringIndex(t[a:b], -1)
	for _, m := range ms {
		m[0] += a
		m[1] += a
	}
	return ms
}

func urlByte(c byte) bool {
	return isAlnum(c) || strings.IndexByte("-._~:/?#[]@!$&'()*+,;=%", c) >= 0
}
func emailByte(c byte) bool  { return isAlnum(c) || strings.IndexByte("._%+-@", c) >= 0 }
func ipv4Byte(c byte) bool   { return c >= '0' && c <= '9' || c == '.' || c == '/' || c == ':' }
func ipv6Byte(c byte) bool   { return isHexByte(c) || c == ':' || c == '.' || c == '/' }
func hexRunByte(c byte) bool { return isHexByte(c) }
func domainByte(c byte) bool { return isAlnum(c) || c == '.' || c == '-' || c == '_' }
func isHexByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func canonicalIPText(h string) (string, bool) {
	_, v, err := Normalise(IPv4, h)
	return v, err == nil
}

// trimURLEnd drops trailing punctuation that belongs to the sentence, and a
// closing bracket with no opening one inside the URL.
func trimURLEnd(t string, a, b int) int {
	for b > a {
		c := t[b-1]
		switch c {
		case '.', ',', ';', ':', '!', '?', '\'', '"', '*':
			b--
			continue
		case ')', ']', '}':
			open := map[byte]byte{')': '(', ']': '[', '}': '{'}[c]
			if strings.Count(t[a:b], string(open)) < strings.Count(t[a:b], string(c)) {
				b--
				continue
			}
		}
		break
	}
	return b
}

func (x *extractor) overlaps(a, b int) bool {
	for _, s := range x.used {
		if a < s.b && s.a < b {
			return true
		}
	}
	return false
}

// defanged reports whether the original text of [a,b) differs from the
// refanged one beyond NFKC folding, i.e. whether it was written defanged.
func (x *extractor) defanged(a, b int) bool {
	o := x.orig[x.start[a]:x.end[b-1]]
	return norm.NFKC.String(o) != x.t[a:b]
}

// knownTLD checks the last label of a dotted name in t[a:b] and whether it
// reads as a domain rather than a file name.
func (x *extractor) knownTLD(d string, a, b int) bool {
	i := strings.LastIndexByte(d, '.')
	if i < 0 {
		return false
	}
	tld := strings.ToLower(d[i+1:])
	if !isTLD(tld) {
		return false
	}
	if isFileExtension(tld) && !x.defanged(a, b) {
		return false
	}
	return true
}

func (x *extractor) ipv4(a, b int) {
	t := x.t
	if x.overlaps(a, b) {
		return
	}
	// Not part of a longer dotted number or word.
	if a > 0 && (isAlnum(t[a-1]) || t[a-1] == '.' || t[a-1] == '-' || t[a-1] == '_') {
		return
	}
	if b < len(t) && (isAlnum(t[b]) || t[b] == '_' || (t[b] == '.' && b+1 < len(t) && isAlnum(t[b+1]))) {
		return
	}
	if reVersionBefore.MatchString(t[max(0, a-16):a]) {
		return
	}
	v := t[a:b]
	port := ""
	if i := strings.IndexByte(v, ':'); i >= 0 {
		v, port = v[:i], v[i+1:]
	}
	typ := IPv4
	if strings.Contains(v, "/") {
		typ = CIDR
	}
	in, err := New(typ, v)
	if err != nil {
		return
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err == nil && n > 0 && n <= 65535 {
			in.Context = "port " + port
		}
	}
	x.add(in, a, b, false)
	x.used = append(x.used, span{a, b})
}

func (x *extractor) ipv6(a, b int) {
	t := x.t
	if b-a < 3 || x.overlaps(a, b) {
		return
	}
	if a > 0 && (isAlnum(t[a-1]) || t[a-1] == ':' || t[a-1] == '.') {
		return
	}
	if b < len(t) && (isAlnum(t[b]) || t[b] == ':') {
		return
	}
	v := t[a:b]
	if !strings.Contains(v, "::") && strings.Count(v, ":") < 7 {
		return // times such as 10:30:00 are not addresses
	}
	typ := IPv6
	if strings.Contains(v, "/") {
		typ = CIDR
	}
	in, err := New(typ, v)
	if err != nil {
		return
	}
	if in.Type == IPv4 {
		return // ::ffff:a.b.c.d is also written as a.b.c.d; keep one
	}
	x.add(in, a, b, false)
	x.used = append(x.used, span{a, b})
}

func (x *extractor) domain(a, b int) {
	t := x.t
	if x.overlaps(a, b) {
		return
	}
	if a > 0 && (isWordByte(t[a-1]) || t[a-1] == '.' || t[a-1] == '@' || t[a-1] == '-' || t[a-1] == '/' || t[a-1] == '\\') {
		return
	}
	if b < len(t) && (t[b] == '-' || t[b] == '_' || t[b] == '@' || t[b] == '\\' || (t[b] == '.' && b+1 < len(t) && isWordByte(t[b+1]))) {
		return
	}
	d := t[a:b]
	if proseDomain(strings.ToLower(d)) {
		return
	}
	if !x.knownTLD(d, a, b) {
		return
	}
	// "Example.Com" in prose: a capitalised name with capitalised TLD is a
	// product name or sentence ("Node.JS", "ASP.NET") unless defanged.
	if i := strings.LastIndexByte(d, '.'); i >= 0 && hasUpper(d[i+1:]) && hasLower(d[:i]) && !x.defanged(a, b) {
		return
	}
	in, err := New(Domain, d)
	if err != nil {
		return
	}
	x.add(in, a, b, false)
	x.used = append(x.used, span{a, b})
}

func hasUpper(s string) bool { return strings.IndexFunc(s, unicode.IsUpper) >= 0 }
func hasLower(s string) bool { return strings.IndexFunc(s, unicode.IsLower) >= 0 }

// files extracts file names, only on lines that say they are talking about
// a file, a sample or a hash: "report.pdf" in a sentence is not an
// indicator, "ファイル名: 請求書.exe" is.
func (x *extractor) files() {
	t := x.t
	for ls := 0; ls < len(t); {
		le := strings.IndexByte(t[ls:], '\n')
		if le < 0 {
			le = len(t)
		} else {
			le += ls
		}
		line := t[ls:le]
		oa, ob := x.start[ls], len(x.orig)
		if le < len(x.start) {
			ob = x.start[le]
		}
		hashOnLine := false
		for _, f := range x.found {
			if f.Offset >= oa && f.Offset < ob && (f.Type == MD5 || f.Type == SHA1 || f.Type == SHA256) {
				hashOnLine = true
			}
		}
		if hasExtCandidate(line) && (hashOnLine || reFileLabel.MatchString(line)) {
			for _, m := range reFile.FindAllStringIndex(line, -1) {
				a, b := ls+m[0], ls+m[1]
				// "ファイル名は請求書.exe": the name starts after the label.
				for _, lbl := range []string{"名は", "名が", "名を", "名:"} {
					if i := strings.LastIndex(t[a:b], lbl); i >= 0 {
						a += i + len(lbl)
					}
				}
				v := t[a:b]
				ext := v[strings.LastIndexByte(v, '.')+1:]
				if !isFileExtension(ext) || strings.HasPrefix(v, ".") || x.overlaps(a, b) || proseDomain(strings.ToLower(v)) {
					continue
				}
				in, err := New(Filename, v)
				if err != nil {
					continue
				}
				x.add(in, a, b, false)
				x.used = append(x.used, span{a, b})
			}
		}
		ls = le + 1
	}
}

// hasExtCandidate reports whether a line has a dot followed by a file
// extension, before the file-name patterns are tried on it.
func hasExtCandidate(line string) bool {
	for i := 0; i < len(line); i++ {
		if line[i] != '.' {
			continue
		}
		j := i + 1
		for j < len(line) && j-i <= 5 && isAlnum(line[j]) {
			j++
		}
		if j > i+1 && (j == len(line) || !isAlnum(line[j])) && isFileExtension(line[i+1:j]) {
			return true
		}
	}
	return false
}

func (x *extractor) add(in Indicator, a, b int, derived bool) {
	if k, ok := x.byKey[in.Key()]; ok {
		if x.found[k].Derived && !derived {
			// Written out as an indicator of its own too: report it there.
			n := x.found[k].Count + 1
			x.found[k] = x.found1(in, a, b, false)
			x.found[k].Count = n
			return
		}
		x.found[k].Count++
		return
	}
	x.byKey[in.Key()] = len(x.found)
	x.found = append(x.found, x.found1(in, a, b, derived))
}

// found1 describes the indicator at [a,b) of the folded text.
func (x *extractor) found1(in Indicator, a, b int, derived bool) Found {
	oa, ob := x.start[a], x.end[b-1]
	in.Original = x.orig[oa:ob]
	line := sort.Search(len(x.lines), func(i int) bool { return x.lines[i] > oa })
	ls := x.lines[line-1]
	le := strings.IndexByte(x.orig[ls:], '\n')
	if le < 0 {
		le = len(x.orig)
	} else {
		le += ls
	}
	if in.Context == "" {
		in.Context = clip(strings.TrimSpace(x.orig[ls:le]))
	}
	return Found{
		Indicator: in,
		Text:      in.Original,
		Offset:    oa,
		Line:      line,
		Col:       utf8.RuneCountInString(x.orig[ls:oa]) + 1,
		Part:      x.part,
		Defanged:  x.defanged(a, b),
		Derived:   derived,
		Count:     1,
	}
}

func (x *extractor) dates() {
	var dates [][]int
	runs(x.t, func(c byte) bool { return c >= '0' && c <= '9' }, 0, func(a, b int) {
		if b-a != 4 {
			return
		}
		end := min(len(x.t), a+96)
		if m := reDate.FindStringSubmatchIndex(x.t[a:end]); m != nil && m[0] == 0 {
			for i := range m {
				if m[i] >= 0 {
					m[i] += a
				}
			}
			dates = append(dates, m)
		}
	})
	for _, m := range dates {
		g := func(i int) string {
			if m[2*i] < 0 {
				return ""
			}
			return x.t[m[2*i]:m[2*i+1]]
		}
		y, _ := strconv.Atoi(g(1))
		mo, _ := strconv.Atoi(g(2))
		d, _ := strconv.Atoi(g(3))
		if y < 1990 || y > 2100 || mo < 1 || mo > 12 || d < 1 || d > 31 {
			continue
		}
		// A dotted date is also what a version looks like: require the
		// separators to agree and no more dotted numbers to follow.
		sep := x.t[m[2]+4]
		if sep == '.' && m[1] < len(x.t) && x.t[m[1]-1] != '.' && strings.HasPrefix(x.t[m[1]:], ".") {
			continue
		}
		h, mi, s := 0, 0, 0
		dateOnly := g(4) == ""
		if !dateOnly {
			h, _ = strconv.Atoi(g(4))
			mi, _ = strconv.Atoi(g(5))
			s, _ = strconv.Atoi(g(6))
			if h > 24 || mi > 59 || s > 60 {
				continue
			}
		}
		loc := jst()
		switch z := strings.Trim(g(8), "()"); {
		case z == "UTC" || z == "GMT" || z == "Z":
			loc = time.UTC
		case strings.HasPrefix(z, "+") || strings.HasPrefix(z, "-"):
			zz := strings.ReplaceAll(z[1:], ":", "")
			hh, _ := strconv.Atoi(zz[:2])
			mm, _ := strconv.Atoi(zz[2:])
			off := hh*3600 + mm*60
			if z[0] == '-' {
				off = -off
			}
			loc = time.FixedZone(z, off)
		}
		tm := time.Date(y, time.Month(mo), d, h, mi, s, 0, loc)
		if tm.Day() != d {
			continue // 31 February
		}
		a, b := m[0], m[1]
		if a > 0 && (isAlnum(x.t[a-1]) || x.t[a-1] == '/' || x.t[a-1] == '.') {
			continue
		}
		for b > a && x.t[b-1] == ' ' {
			b--
		}
		oa, ob := x.start[a], x.end[b-1]
		line := sort.Search(len(x.lines), func(i int) bool { return x.lines[i] > oa })
		x.times = append(x.times, Mention{Time: tm, Text: x.orig[oa:ob], Offset: oa, Line: line, Part: x.part, DateOnly: dateOnly})
		x.used = append(x.used, span{a, b})
	}
}

// Refang undoes defanged spellings (hxxp, [.], (.), {.}, [dot], [:], [@] …)
// and folds full-width characters, for one value from a list.
func Refang(s string) string {
	nt, start, end := fold(s)
	r, _, _ := refang(nt, start, end)
	return r
}
