package ioc

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"strings"
)

// Guard decides whether an indicator is safe to use: it refuses the ones
// that would do harm if blocked or that match half the network, flags the
// ones a responder must look at before blocking, and marks the never-block
// ones. Build one with NewGuard, which holds the built-in lists, and add the
// organisation's own domains and user lists to it. A Guard is not safe for
// concurrent modification; Check may run concurrently once it is built.
type Guard struct {
	nets      prefixTable[guardEntry]
	domains   map[string]guardEntry // exact names
	suffixes  map[string]guardEntry // the name and everything under it
	values    map[string]guardEntry // Key() → entry, any type
	substrs   []guardSubstr
	filenames map[string]guardEntry
	never     map[string]guardEntry // never-block: domain suffixes, URLs, IPs
}

type guardEntry struct {
	verdict Verdict
	reason  string
	// under applies to suffix entries: the verdict for names below the
	// entry (the entry itself gets verdict).
	under Verdict
}

type guardSubstr struct {
	s string
	e guardEntry
}

// Built-in address ranges. Refused: matching them matches the local network
// or nothing real. Flagged: shared by many unrelated sites or used only in
// documentation.
const builtinRefuseNets = `
0.0.0.0/8 "this network" (RFC 1122)
10.0.0.0/8 private range (RFC 1918)
100.64.0.0/10 carrier-grade NAT range (RFC 6598)
127.0.0.0/8 loopback
169.254.0.0/16 link-local
172.16.0.0/12 private range (RFC 1918)
192.0.0.0/24 IETF protocol assignments
192.168.0.0/16 private range (RFC 1918)
198.18.0.0/15 benchmarking range (RFC 2544)
224.0.0.0/4 multicast
240.0.0.0/4 reserved range
255.255.255.255/32 broadcast
::/128 unspecified address
::1/128 loopback
fc00::/7 unique local range (RFC 4193)
fe80::/10 link-local
ff00::/8 multicast
8.8.8.8/32 public DNS resolver (Google)
8.8.4.4/32 public DNS resolver (Google)
1.1.1.1/32 public DNS resolver (Cloudflare)
1.0.0.1/32 public DNS resolver (Cloudflare)
9.9.9.9/32 public DNS resolver (Quad9)
149.112.112.112/32 public DNS resolver (Quad9)
208.67.222.222/32 public DNS resolver (OpenDNS)
208.67.220.220/32 public DNS resolver (OpenDNS)
64.6.64.6/32 public DNS resolver (Verisign)
2001:4860:4860::8888/128 public DNS resolver (Google)
2001:4860:4860::8844/128 public DNS resolver (Google)
2606:4700:4700::1111/128 public DNS resolver (Cloudflare)
2606:4700:4700::1001/128 public DNS resolver (Cloudflare)
2620:fe::fe/128 public DNS resolver (Quad9)
`

const builtinFlagNets = `
192.0.2.0/24 documentation range (RFC 5737): seen only in examples and tests
198.51.100.0/24 documentation range (RFC 5737): seen only in examples and tests
203.0.113.0/24 documentation range (RFC 5737): seen only in examples and tests
2001:db8::/32 documentation range (RFC 3849): seen only in examples and tests
104.16.0.0/13 CDN address (Cloudflare): shared by many unrelated sites
172.64.0.0/13 CDN address (Cloudflare): shared by many unrelated sites
151.101.0.0/16 CDN address (Fastly): shared by many unrelated sites
23.32.0.0/11 CDN address (Akamai): shared by many unrelated sites
13.32.0.0/15 CDN address (Amazon CloudFront): shared by many unrelated sites
13.224.0.0/14 CDN address (Amazon CloudFront): shared by many unrelated sites
142.250.0.0/15 Google front end: shared by many Google services
172.217.0.0/16 Google front end: shared by many Google services
2606:4700::/32 CDN address (Cloudflare): shared by many unrelated sites
`

// Very popular domains: the name and every name under it are refused,
// because a sweep or a block on them touches every host.
const builtinPopular = `google.com googleapis.com gstatic.com google.co.jp youtube.com gmail.com
microsoft.com windows.com windowsupdate.com microsoftonline.com office.com office365.com office.net live.com
outlook.com bing.com msn.com skype.com azure.com msftncsi.com msftconnecttest.com digicert.com verisign.com
apple.com icloud.com mzstatic.com amazon.com amazon.co.jp facebook.com fbcdn.net instagram.com whatsapp.com
twitter.com x.com linkedin.com yahoo.com yahoo.co.jp yimg.jp line.me naver.jp rakuten.co.jp
akamai.net akamaiedge.net akamaihd.net cloudflare.com mozilla.org mozilla.net ubuntu.com debian.org
wikipedia.org adobe.com zoom.us slack.com nhk.or.jp`

// Shared hosting: the parent name is refused (it is everybody's), names
// under it are flagged (each belongs to a different, possibly hostile,
// owner: a real indicator, but the parent must not be blocked).
const builtinShared = `github.io githubusercontent.com blogspot.com amazonaws.com cloudfront.net azurewebsites.net
azureedge.net blob.core.windows.net herokuapp.com ngrok.io ngrok-free.app duckdns.org no-ip.org ddns.net
dropboxusercontent.com googleusercontent.com firebaseapp.com web.app pages.dev workers.dev vercel.app netlify.app
r2.dev sharepoint.com onedrive.live.com drive.google.com docs.google.com trycloudflare.com`

// Coordination centres and security organisations whose own sites appear in
// every notice they send.
const builtinNotifiers = `jpcert.or.jp ipa.go.jp nisc.go.jp npa.go.jp police.go.jp soumu.go.jp cisa.gov us-cert.gov
first.org cert.org ncsc.gov.uk mitre.org virustotal.com abuse.ch`

// Hashes of empty input: every system has such files.
const builtinEmptyHashes = `d41d8cd98f00b204e9800998ecf8427e md5 of empty input
da39a3ee5e6b4b0d3255bfef95601890afd80709 sha1 of empty input
e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 sha256 of empty input`

// Windows binaries present on every host: a sweep by name hits them all.
const builtinSystemFiles = `svchost.exe explorer.exe cmd.exe powershell.exe pwsh.exe rundll32.exe regsvr32.exe lsass.exe
services.exe winlogon.exe csrss.exe smss.exe wininit.exe conhost.exe dllhost.exe taskhostw.exe taskhost.exe
wmiprvse.exe spoolsv.exe mshta.exe wscript.exe cscript.exe msiexec.exe notepad.exe chrome.exe msedge.exe
firefox.exe outlook.exe winword.exe excel.exe powerpnt.exe schtasks.exe sc.exe net.exe net1.exe at.exe
wmic.exe psexec.exe certutil.exe bitsadmin.exe ntdll.dll kernel32.dll user32.dll`

// Never-block: the WannaCry kill-switch domains. A host that resolves one is
// infected; blocking or sinkholing it the wrong way arms the ransomware.
const builtinNeverBlock = `iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com
ifferfsodp9ifjaposdfjhgosurijfaewrwergwea.com
iuqssfsodp9ifjaposdfjhgosurijfaewrwergwea.com`

// NewGuard returns a guard holding the built-in lists: loopback, private and
// reserved ranges, public resolvers, CDN and documentation ranges, very
// popular and shared-hosting domains, coordination centres' own sites,
// empty-file hashes, Windows system binary names, and the WannaCry
// kill-switch domains as never-block.
func NewGuard() *Guard {
	g := &Guard{
		domains:   map[string]guardEntry{},
		suffixes:  map[string]guardEntry{},
		values:    map[string]guardEntry{},
		filenames: map[string]guardEntry{},
		never:     map[string]guardEntry{},
	}
	addNets := func(list string, v Verdict) {
		for line := range strings.SplitSeq(list, "\n") {
			pfx, reason, ok := strings.Cut(strings.TrimSpace(line), " ")
			if !ok {
				continue
			}
			p := netip.MustParsePrefix(pfx)
			g.nets.insert(p, guardEntry{verdict: v, reason: reason})
		}
	}
	addNets(builtinRefuseNets, VerdictRefuse)
	addNets(builtinFlagNets, VerdictFlag)
	for _, d := range strings.Fields(builtinPopular) {
		g.suffixes[d] = guardEntry{verdict: VerdictRefuse, under: VerdictRefuse, reason: "very popular domain " + d + ": matches most hosts"}
	}
	for _, d := range []string{"example.com", "example.net", "example.org", "example.jp", "example.co.jp"} {
		g.suffixes[d] = guardEntry{verdict: VerdictFlag, under: VerdictFlag, reason: "documentation domain " + d + " (RFC 2606): seen only in examples and tests"}
	}
	for _, d := range strings.Fields(builtinShared) {
		g.suffixes[d] = guardEntry{verdict: VerdictRefuse, under: VerdictFlag, reason: "shared hosting " + d + ": each name below it has a different owner; never block the parent"}
	}
	for _, d := range strings.Fields(builtinNotifiers) {
		g.suffixes[d] = guardEntry{verdict: VerdictRefuse, under: VerdictRefuse, reason: "site of a coordination centre or security organisation (" + d + ")"}
	}
	for line := range strings.SplitSeq(builtinEmptyHashes, "\n") {
		h, reason, _ := strings.Cut(strings.TrimSpace(line), " ")
		t := map[int]Type{32: MD5, 40: SHA1, 64: SHA256}[len(h)]
		g.values[string(t)+":"+h] = guardEntry{verdict: VerdictRefuse, reason: reason + ": every system has empty files"}
	}
	for _, f := range strings.Fields(builtinSystemFiles) {
		g.filenames[f] = guardEntry{verdict: VerdictRefuse, reason: "Windows system binary name " + f + ": present on every host"}
	}
	for _, d := range strings.Fields(builtinNeverBlock) {
		g.never[d] = guardEntry{verdict: VerdictNeverBlock, reason: "WannaCry kill-switch domain: hosts resolving it are infected; blocking it arms the ransomware"}
	}
	return g
}

// AddOwnDomain declares one of the organisation's own domains: the name
// itself is refused (it would match all of the organisation's traffic), and
// names under it are flagged.
func (g *Guard) AddOwnDomain(d string) error {
	n, err := normDomain(d)
	if err != nil {
		return fmt.Errorf("own domain: %w", err)
	}
	g.suffixes[n] = guardEntry{verdict: VerdictRefuse, under: VerdictFlag, reason: "the organisation's own domain " + n}
	return nil
}

// AddNeverBlock adds an indicator value (a domain covers its subdomains) to
// the never-block list with a reason.
func (g *Guard) AddNeverBlock(value, reason string) error {
	in, err := Parse(value)
	if err != nil {
		return fmt.Errorf("never-block: %w", err)
	}
	if reason == "" {
		reason = "on the never-block list"
	}
	key := in.Value
	if in.Type != Domain {
		key = in.Key()
	}
	g.never[key] = guardEntry{verdict: VerdictNeverBlock, reason: reason}
	return nil
}

// AddList reads a user allow-list or never-block list: one indicator per
// line (type detected, defanged forms accepted), "#" starts a comment, and
// the text after the indicator is the reason. The list's name is quoted in
// the reasons. A MISP warninglist (JSON) is recognised by content and read
// with AddWarninglist. Domains cover their subdomains.
func (g *Guard) AddList(r io.Reader, name string, v Verdict) error {
	br := bufio.NewReader(r)
	if b, err := br.Peek(1); err == nil && (b[0] == '{' || b[0] == ' ' || b[0] == '\n') {
		head, _ := br.Peek(512)
		if strings.HasPrefix(strings.TrimSpace(string(head)), "{") {
			return g.AddWarninglist(br)
		}
	}
	sc := bufio.NewScanner(br)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		val, reason, _ := strings.Cut(line, " ")
		reason = strings.TrimSpace(reason)
		if reason == "" {
			reason = "listed in " + name
		} else {
			reason = name + ": " + reason
		}
		if v == VerdictNeverBlock {
			if err := g.AddNeverBlock(val, reason); err != nil {
				return fmt.Errorf("%s:%d: %w", name, n, err)
			}
			continue
		}
		if err := g.add(val, guardEntry{verdict: v, under: v, reason: reason}); err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

func (g *Guard) add(val string, e guardEntry) error {
	if p, err := netip.ParsePrefix(val); err == nil {
		g.nets.insert(p, e)
		return nil
	}
	in, err := Parse(val)
	if err != nil {
		return err
	}
	switch in.Type {
	case IPv4, IPv6:
		a := netip.MustParseAddr(in.Value)
		g.nets.insert(netip.PrefixFrom(a, a.BitLen()), e)
	case Domain:
		g.suffixes[in.Value] = e
	case Filename:
		g.filenames[in.Value] = e
	default:
		g.values[in.Key()] = e
	}
	return nil
}

// warninglist is the MISP warninglist format.
type warninglist struct {
	Name        string            `json:"name"`
	Description string            `json:"description"`
	Type        string            `json:"type"`
	List        []json.RawMessage `json:"list"`
}

// AddWarninglist reads a MISP warninglist (name, type: string, hostname,
// cidr or substring; list). Its entries flag matching indicators with the
// list's name as the reason. Regex lists are not evaluated.
func (g *Guard) AddWarninglist(r io.Reader) error {
	var wl warninglist
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	if err := dec.Decode(&wl); err != nil {
		return fmt.Errorf("warninglist: %w", err)
	}
	if wl.Name == "" || len(wl.List) == 0 {
		return fmt.Errorf("warninglist: want name and list")
	}
	e := guardEntry{verdict: VerdictFlag, under: VerdictFlag, reason: "MISP warninglist: " + wl.Name}
	for _, raw := range wl.List {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			continue // entries can be objects in some lists; skip them
		}
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		switch wl.Type {
		case "cidr":
			if p, err := netip.ParsePrefix(s); err == nil {
				g.nets.insert(p, e)
			} else if a, err := netip.ParseAddr(s); err == nil {
				g.nets.insert(netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), e)
			}
		case "hostname":
			if d, err := normDomain(strings.TrimPrefix(s, ".")); err == nil {
				g.suffixes[d] = e
			}
		case "substring":
			g.substrs = append(g.substrs, guardSubstr{s: strings.ToLower(s), e: e})
		case "regex":
			// Not evaluated: patterns from outside are not run here.
		default: // "string" and unknown types: exact values
			if in, err := Parse(s); err == nil {
				if in.Type == Domain {
					g.domains[in.Value] = e
				} else if in.Type == IPv4 || in.Type == IPv6 {
					a := netip.MustParseAddr(in.Value)
					g.nets.insert(netip.PrefixFrom(a, a.BitLen()), e)
				} else {
					g.values[in.Key()] = e
				}
			}
		}
	}
	return nil
}

// Check returns the guards' verdict on an indicator and the reason. The
// never-block list wins over everything; otherwise the strictest verdict
// found is returned.
func (g *Guard) Check(in *Indicator) (Verdict, string) {
	if g == nil {
		return VerdictOK, ""
	}
	if e, ok := g.neverBlock(in); ok {
		return e.verdict, e.reason
	}
	best := guardEntry{}
	consider := func(e guardEntry) {
		if rank(e.verdict) > rank(best.verdict) {
			best = e
		}
	}
	if e, ok := g.values[in.Key()]; ok {
		consider(e)
	}
	for _, s := range g.substrs {
		if strings.Contains(in.Value, s.s) {
			consider(s.e)
		}
	}
	switch in.Type {
	case IPv4, IPv6:
		if a, err := netip.ParseAddr(in.Value); err == nil {
			g.nets.lookup(a, func(_ int, e guardEntry) bool { consider(e); return true })
		}
	case CIDR:
		p, err := netip.ParsePrefix(in.Value)
		if err != nil {
			break
		}
		g.nets.lookup(p.Addr(), func(bits int, e guardEntry) bool {
			if bits <= p.Bits() {
				consider(e)
			}
			return true
		})
		switch {
		case p.Addr().Is4() && p.Bits() < 8, p.Addr().Is6() && p.Bits() < 24:
			consider(guardEntry{verdict: VerdictRefuse, reason: fmt.Sprintf("prefix /%d is too wide: it covers a large part of the internet", p.Bits())})
		case p.Addr().Is4() && p.Bits() < 16, p.Addr().Is6() && p.Bits() < 32:
			consider(guardEntry{verdict: VerdictFlag, reason: fmt.Sprintf("wide prefix /%d: check before blocking", p.Bits())})
		}
	case Domain:
		g.checkDomain(in.Value, consider)
	case URL:
		if h := urlHost(in.Value); h != "" {
			if a, err := netip.ParseAddr(h); err == nil {
				g.nets.lookup(a, func(_ int, e guardEntry) bool {
					if e.verdict == VerdictRefuse {
						consider(e)
					}
					return true
				})
			} else {
				// A URL on a popular site is still specific: flag it.
				g.checkDomain(h, func(e guardEntry) {
					if e.verdict == VerdictRefuse {
						e.verdict = VerdictFlag
						e.reason = "URL on " + e.reason
					}
					consider(e)
				})
			}
		}
	case Email:
		if at := strings.LastIndexByte(in.Value, '@'); at >= 0 {
			if e, ok := g.lookupSuffix(in.Value[at+1:]); ok && strings.Contains(e.reason, "own domain") {
				consider(guardEntry{verdict: VerdictFlag, reason: "address in " + e.reason})
			}
		}
	case Filename:
		if e, ok := g.filenames[in.Value]; ok {
			consider(e)
		}
	}
	return best.verdict, best.reason
}

// Apply sets the indicator's verdict and reason from Check.
func (g *Guard) Apply(in *Indicator) {
	v, r := g.Check(in)
	if rank(v) >= rank(in.Verdict) || v == VerdictNeverBlock {
		in.Verdict, in.Reason = v, r
	}
}

func (g *Guard) checkDomain(d string, consider func(guardEntry)) {
	if e, ok := g.domains[d]; ok {
		consider(e)
	}
	if e, ok := g.suffixes[d]; ok {
		consider(guardEntry{verdict: e.verdict, reason: e.reason})
	}
	for i := 0; i < len(d); i++ {
		if d[i] == '.' {
			if e, ok := g.suffixes[d[i+1:]]; ok {
				v := e.under
				if v == VerdictOK {
					v = e.verdict
				}
				consider(guardEntry{verdict: v, reason: "under " + e.reason})
				return // the closest parent decides
			}
		}
	}
}

func (g *Guard) lookupSuffix(d string) (guardEntry, bool) {
	for {
		if e, ok := g.suffixes[d]; ok {
			return e, true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			return guardEntry{}, false
		}
		d = d[i+1:]
	}
}

func (g *Guard) neverBlock(in *Indicator) (guardEntry, bool) {
	if len(g.never) == 0 {
		return guardEntry{}, false
	}
	if e, ok := g.never[in.Key()]; ok {
		return e, true
	}
	d := ""
	switch in.Type {
	case Domain:
		d = in.Value
	case URL:
		d = urlHost(in.Value)
	default:
		return guardEntry{}, false
	}
	for d != "" {
		if e, ok := g.never[d]; ok {
			return e, true
		}
		i := strings.IndexByte(d, '.')
		if i < 0 {
			break
		}
		d = d[i+1:]
	}
	return guardEntry{}, false
}

func rank(v Verdict) int {
	switch v {
	case VerdictFlag:
		return 1
	case VerdictRefuse:
		return 2
	case VerdictNeverBlock:
		return 3
	}
	return 0
}

// urlHost returns the host of a normalised URL, without brackets or port.
func urlHost(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return ""
	}
	h := u[i+3:]
	if j := strings.IndexAny(h, "/?#"); j >= 0 {
		h = h[:j]
	}
	if at := strings.LastIndexByte(h, '@'); at >= 0 {
		h = h[at+1:]
	}
	if strings.HasPrefix(h, "[") {
		if j := strings.IndexByte(h, ']'); j > 0 {
			return h[1:j]
		}
	}
	if j := strings.LastIndexByte(h, ':'); j >= 0 {
		h = h[:j]
	}
	return h
}
