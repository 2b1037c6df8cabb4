package ioc

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// summary writes an indicator as "type:value tlp campaign context".
func summary(in Indicator) string {
	return strings.TrimSpace(fmt.Sprintf("%s:%s %s %s", in.Type, in.Value, in.TLP, in.Campaign))
}

func TestParsePattern(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string // type:value of the terms
		err     string
	}{
		{`[ipv4-addr:value = '198.51.100.1']`, []string{"ipv4:198.51.100.1"}, ""},
		{`[ipv4-addr:value = '198.51.100.0/24']`, []string{"cidr:198.51.100.0/24"}, ""},
		{`[ipv6-addr:value = '2001:db8::1'] OR [domain-name:value = 'x.example.com']`, []string{"ipv6:2001:db8::1", "domain:x.example.com"}, ""},
		{`[file:hashes.'SHA-256' = 'aa' OR file:hashes.MD5 = 'bb' OR file:hashes.'SHA-1' = 'cc']`, []string{"sha256:aa", "md5:bb", "sha1:cc"}, ""},
		{`[file:hashes.'SHA-256' = 'aa' AND file:name = 'x.exe']`, []string{"sha256:aa"}, ""},
		{`[file:name = 'x.exe' AND file:size = 1024]`, []string{"filename:x.exe"}, ""},
		{`[email-addr:value IN ('a@x.example', 'b@x.example')]`, []string{"email:a@x.example", "email:b@x.example"}, ""},
		{`[url:value = 'http://x.example/it\'s\\here']`, []string{`url:http://x.example/it's\here`}, ""},
		{`([a:b = 1] AND [domain-name:value = 'y.example']) FOLLOWEDBY [url:value = 'http://z.example/'] WITHIN 60 SECONDS REPEATS 2 TIMES`,
			[]string{"domain:y.example", "url:http://z.example/"}, ""},
		{`[domain-name:value = 'a.example'] START t'2025-01-01T00:00:00Z' STOP t'2025-02-01T00:00:00Z'`, []string{"domain:a.example"}, ""},
		{`[domain-name:value NOT = 'a.example']`, nil, ""},
		{`[domain-name:value LIKE '%.example' AND domain-name:value MATCHES '^x']`, nil, ""},
		{`[network-traffic:dst_ref.value = '203.0.113.5' AND network-traffic:dst_port > 1024]`, []string{"ipv4:203.0.113.5"}, ""},
		{`[network-traffic:extensions.'http-request-ext'.request_header.'User-Agent' = 'EvilBot/1.0']`, []string{"user-agent:EvilBot/1.0"}, ""},
		{`[email-message:to_refs[*].value = 'v@x.example' AND EXISTS email-message:subject]`, []string{"email:v@x.example"}, ""},
		{`[process:pid = -5 AND process:x = 1.5 AND process:y = true AND artifact:payload_bin = b'AAAA' AND x:y = h'00ff']`, nil, ""},
		{`[ipv4-addr:value = '1.2.3.4'`, nil, "want ]"},
		{`[ipv4-addr:value = '1.2.3.4]`, nil, "unterminated string"},
		{`ipv4-addr:value = '1.2.3.4'`, nil, "want [ or ("},
		{`[ipv4-addr:value == '1.2.3.4']`, nil, "want a constant"},
		{`[ipv4-addr value = '1']`, nil, "want :"},
		{`[a:b = 'x'] AND`, nil, "want [ or ("},
		{`[a:b = 'x'] WITHIN 5 MINUTES`, nil, "SECONDS"},
		{strings.Repeat("(", 500) + "[a:b = 'x']" + strings.Repeat(")", 500), nil, "too deeply"},
	}
	for _, tc := range tests {
		t.Run(tc.pattern[:min(len(tc.pattern), 40)], func(t *testing.T) {
			p, err := ParsePattern(tc.pattern)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, term := range p.Terms() {
				got = append(got, string(term.Type)+":"+term.Value)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q want %q", got, tc.want)
			}
		})
	}
}

func TestReadSTIX(t *testing.T) {
	f, err := os.Open("testdata/stix-bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im, err := ReadSTIX(f, "bundle.json")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range im.Indicators {
		got = append(got, summary(in))
	}
	want := []string{
		"ipv4:203.0.113.66 AMBER Operation Example",
		"domain:update-check.example-cdn.net AMBER Operation Example",
		"sha256:aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f AMBER+STRICT",
		"cidr:198.51.100.0/24 AMBER+STRICT",
		"url:http://update-check.example-cdn.net/dl/invoice_2025-11.bin RED",
		"email:attacker@bad-mail.example RED",
		"email:ops@bad-mail.example RED",
		"md5:0cc175b9c0f1b6a831c399e269772661 RED",
		"filename:loader.dll RED",
		"domain:second-c2.example.net GREEN",
		"sha1:86f7e437faa5a7fce15d1ddcb9eaeaea377667b8 GREEN",
		"filename:update.ps1 GREEN",
		"ipv6:2001:db8:c2::66",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	c2 := im.Indicators[0]
	if c2.Source != "Example CERT" || c2.Confidence != 85 || !c2.Expires.Equal(time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)) || c2.Context != "C2 server" {
		t.Errorf("c2 = %+v", c2)
	}
	if !strings.Contains(im.Indicators[2].Context, "file:name = 'invoice.exe'") {
		t.Errorf("AND context lost: %q", im.Indicators[2].Context)
	}
	if len(im.Skipped) != 3 {
		t.Errorf("skipped = %q", im.Skipped)
	}
	od := im.Indicators[9]
	if !od.FirstSeen.Equal(time.Date(2025, 11, 19, 13, 0, 0, 0, time.UTC)) || !od.LastSeen.Equal(time.Date(2025, 11, 20, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("observed-data times: %+v", od)
	}
}

func TestWriteSTIXRoundTrip(t *testing.T) {
	var inds []Indicator
	for _, v := range []string{"203.0.113.66", "2001:db8::/32", "evil.example.com", "http://evil.example.com/it's", strings.Repeat("a", 64), "x@evil.example.com"} {
		in, err := Parse(v)
		if err != nil {
			t.Fatal(err)
		}
		in.TLP = TLPAmberStrict
		inds = append(inds, in)
	}
	ua, _ := New(UserAgent, "EvilBot/1.0 'quoted'")
	fn, _ := New(Filename, "loader.dll")
	inds = append(inds, ua, fn)
	b, err := WriteSTIX(inds, time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	im, err := ReadSTIX(bytes.NewReader(b), "x")
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Indicators) != len(inds) {
		t.Fatalf("round trip: %d of %d (%q)", len(im.Indicators), len(inds), im.Skipped)
	}
	for i := range inds {
		if im.Indicators[i].Key() != inds[i].Key() || (inds[i].TLP != "" && im.Indicators[i].TLP != inds[i].TLP) {
			t.Errorf("%d: %s %s, want %s %s", i, im.Indicators[i].Key(), im.Indicators[i].TLP, inds[i].Key(), inds[i].TLP)
		}
	}
}

func TestReadMISP(t *testing.T) {
	f, err := os.Open("testdata/misp-event.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	im, err := ReadMISP(f, "misp", MISPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range im.Indicators {
		got = append(got, summary(in)+" "+in.Context)
	}
	want := []string{
		"ipv4:203.0.113.66 AMBER TA542 C2",
		"ipv4:198.51.100.23 AMBER TA542 port 8443",
		"domain:update-check.example-cdn.net AMBER TA542",
		"domain:second-c2.example.net AMBER TA542 resolves to 192.0.2.10",
		"ipv4:192.0.2.10 AMBER TA542 address of second-c2.example.net",
		"url:http://update-check.example-cdn.net/dl/invoice_2025-11.bin RED TA542",
		"sha256:aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f AMBER TA542 file name invoice.exe",
		"filename:invoice.exe AMBER TA542 file with sha256 aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f",
		"md5:0cc175b9c0f1b6a831c399e269772661 AMBER TA542",
		"email:attacker@bad-mail.example AMBER TA542",
		"user-agent:EvilBot/1.0 AMBER TA542",
		"sha1:86f7e437faa5a7fce15d1ddcb9eaeaea377667b8 AMBER TA542 object file: second stage",
		"filename:loader.dll AMBER TA542 object file: second stage",
	}
	for i := range got {
		got[i] = strings.TrimSpace(got[i])
	}
	if !slices.Equal(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	first := im.Indicators[0]
	if first.Source != "Example CSIRT" || first.Confidence != 85 || !first.FirstSeen.Equal(time.Date(2025, 11, 18, 0, 0, 0, 0, time.UTC)) ||
		!first.LastSeen.Equal(time.Unix(1763510400, 0).UTC()) || !slices.Contains(first.Tags, "malware:emotet") {
		t.Errorf("first = %+v", first)
	}
	if d := im.Indicators[2]; !d.FirstSeen.Equal(time.Date(2025, 11, 10, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("attribute first_seen: %v", d.FirstSeen)
	}
	// to_ids off (1), link (1), ssdeep (1) skipped; deleted silently.
	if len(im.Skipped) != 3 {
		t.Errorf("skipped %q", im.Skipped)
	}
	f2, _ := os.Open("testdata/misp-event.json")
	defer f2.Close()
	all, err := ReadMISP(f2, "misp", MISPOptions{AllAttributes: true})
	if err != nil {
		t.Fatal(err)
	}
	var ctxOnly *Indicator
	for i := range all.Indicators {
		if all.Indicators[i].Value == "192.0.2.200" {
			ctxOnly = &all.Indicators[i]
		}
	}
	if ctxOnly == nil || ctxOnly.Verdict != VerdictFlag {
		t.Errorf("to_ids=false attribute with AllAttributes: %+v", ctxOnly)
	}
}

func TestReadMISPFeed(t *testing.T) {
	im, err := ReadMISPFeed(os.DirFS("testdata/misp-feed"), "feed", MISPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Indicators) != 16 {
		t.Errorf("%d indicators", len(im.Indicators))
	}
	last := im.Indicators[len(im.Indicators)-3:]
	var got []string
	for _, in := range last {
		got = append(got, summary(in)+" "+in.Context)
	}
	want := []string{
		"domain:login-portal.phish-example.com CLEAR Phishing kit hosts",
		"domain:kit.phish-example.com CLEAR Phishing kit hosts port 8080",
		"cidr:2001:db8:bad::/48 CLEAR Phishing kit hosts",
	}
	for i := range got {
		got[i] = strings.TrimSpace(got[i])
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
	// A hostile manifest cannot name files outside the feed.
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/manifest.json", []byte(`{"../../etc/passwd": {}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadMISPFeed(os.DirFS(dir), "x", MISPOptions{}); err == nil {
		t.Error("path in manifest accepted")
	}
}

func TestReadListAndCSV(t *testing.T) {
	list := "# C2 list\n203[.]0[.]113[.]66  # beacon\nhxxps://evil[.]example[.]com/x\nEVIL.example.org\n" +
		strings.Repeat("A", 64) + "\n2001:db8::/32\ninvoice.exe\nnot an indicator at all\nuser@evil.example.org\n"
	im, err := ReadList(strings.NewReader(list), "list.txt")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range im.Indicators {
		got = append(got, string(in.Type)+":"+in.Value)
	}
	want := []string{"ipv4:203.0.113.66", "url:https://evil.example.com/x", "domain:evil.example.org", "sha256:" + strings.Repeat("a", 64),
		"cidr:2001:db8::/32", "filename:invoice.exe", "email:user@evil.example.org"}
	if !slices.Equal(got, want) || len(im.Skipped) != 1 || im.Indicators[0].Context != "beacon" {
		t.Errorf("list: got %q skipped %q", got, im.Skipped)
	}

	csvText := "ioc;kind;marking;actor;first seen;note\n" +
		"203.0.113.66;ip;TLP:AMBER;TA542;2025-11-18;C2\n" +
		"evil[.]example[.]com;domain;green;;;\n" +
		"=cmd|' /C calc'!A0;domain;red;;;formula\n"
	m, err := ParseCSVMapping("value=ioc,type=kind,tlp=marking,campaign=actor,first_seen=first seen,context=note")
	if err != nil {
		t.Fatal(err)
	}
	im, err = ReadCSV(strings.NewReader(csvText), "feed.csv", m)
	if err != nil {
		t.Fatal(err)
	}
	if len(im.Indicators) != 2 || len(im.Skipped) != 1 {
		t.Fatalf("csv: %+v skipped %q", im.Indicators, im.Skipped)
	}
	a := im.Indicators[0]
	if a.Type != IPv4 || a.TLP != TLPAmber || a.Campaign != "TA542" || a.Context != "C2" || !a.FirstSeen.Equal(time.Date(2025, 11, 18, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("csv row = %+v", a)
	}
	if im.Indicators[1].Value != "evil.example.com" || im.Indicators[1].TLP != TLPGreen {
		t.Errorf("csv row 2 = %+v", im.Indicators[1])
	}
	// Header names are guessed when no mapping is given.
	im, err = ReadCSV(strings.NewReader("indicator,type,tlp\nevil.example.net,domain,amber\n"), "x", CSVMapping{})
	if err != nil || len(im.Indicators) != 1 || im.Indicators[0].TLP != TLPAmber {
		t.Errorf("guessed mapping: %+v %v", im, err)
	}
	if _, err := ReadCSV(strings.NewReader("a,b\n1,2\n"), "x", CSVMapping{}); err == nil {
		t.Error("csv without a value column accepted")
	}
}

func TestSniff(t *testing.T) {
	tests := map[string]string{
		`{"type": "bundle", "id": "bundle--1", "objects": []}`: "stix",
		`{"Event": {"info": "x"}}`:                             "misp",
		"From: a@b.example\r\nSubject: x\r\n":                  "mail",
		"value,type\n1.2.3.4,ip\n":                             "csv",
		"1.2.3.4\nevil.example.com\n":                          "list",
	}
	for in, want := range tests {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestNormalise(t *testing.T) {
	tests := []struct {
		typ  Type
		in   string
		want string
		wt   Type
		err  bool
	}{
		{IPv4, "203.0.113.066", "", IPv4, true},
		{IPv4, "::ffff:203.0.113.66", "203.0.113.66", IPv4, false},
		{IPv6, "2001:DB8:0:0::1", "2001:db8::1", IPv6, false},
		{CIDR, "203.0.113.77/24", "203.0.113.0/24", CIDR, false},
		{CIDR, "203.0.113.77/32", "203.0.113.77", IPv4, false},
		{CIDR, "::ffff:10.0.0.0/104", "10.0.0.0/8", CIDR, false},
		{Domain, "Évil.Example.COM.", "xn--vil-9la.example.com", Domain, false},
		{Domain, "例え.テスト", "xn--r8jz45g.xn--zckzah", Domain, false},
		{Domain, "ｅｖｉｌ．ｅｘａｍｐｌｅ．ｃｏｍ", "evil.example.com", Domain, false},
		{Domain, "localhost", "", Domain, true},
		{Domain, "1.2.3", "", Domain, true},
		{URL, "HTTP://Evil.Example.com:80/A/b?Q=1#frag", "http://evil.example.com/A/b?Q=1", URL, false},
		{URL, "https://[2001:DB8::1]:8443", "https://[2001:db8::1]:8443/", URL, false},
		{URL, "javascript:alert(1)", "", URL, true},
		{MD5, "D41D8CD98F00B204E9800998ECF8427E", "d41d8cd98f00b204e9800998ecf8427e", MD5, false},
		{SHA1, "abc", "", SHA1, true},
		{Filename, `C:\Users\x\INVOICE.EXE`, "invoice.exe", Filename, false},
		{Email, "Attacker@Bad-Mail.RU", "attacker@bad-mail.ru", Email, false},
		{Email, "no-at-sign", "", Email, true},
	}
	for _, tc := range tests {
		gt, got, err := Normalise(tc.typ, tc.in)
		if (err != nil) != tc.err || got != tc.want || (err == nil && gt != tc.wt) {
			t.Errorf("Normalise(%s, %q) = %s %q %v, want %s %q err=%v", tc.typ, tc.in, gt, got, err, tc.wt, tc.want, tc.err)
		}
	}
}

func TestGuard(t *testing.T) {
	g := NewGuard()
	if err := g.AddOwnDomain("example.co.jp"); err != nil {
		t.Fatal(err)
	}
	wl, err := os.Open("testdata/warninglist.json")
	if err != nil {
		t.Fatal(err)
	}
	defer wl.Close()
	if err := g.AddList(wl, "warninglist.json", VerdictRefuse); err != nil {
		t.Fatal(err)
	}
	if err := g.AddList(strings.NewReader("partner.example.net  our supplier\n# comment\n"), "allow.txt", VerdictRefuse); err != nil {
		t.Fatal(err)
	}
	if err := g.AddList(strings.NewReader("sinkhole-check.example.org lab kill switch\n"), "never.txt", VerdictNeverBlock); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		v      string
		want   Verdict
		reason string
	}{
		{"10.1.2.3", VerdictRefuse, "private range"},
		{"127.0.0.1", VerdictRefuse, "loopback"},
		{"8.8.8.8", VerdictRefuse, "public DNS resolver"},
		{"2606:4700:4700::1111", VerdictRefuse, "public DNS resolver"},
		{"fe80::1", VerdictRefuse, "link-local"},
		{"10.0.0.0/8", VerdictRefuse, "private range"},
		{"0.0.0.0/0", VerdictRefuse, "too wide"},
		{"45.0.0.0/12", VerdictFlag, "wide prefix"},
		{"104.16.1.1", VerdictFlag, "CDN"},
		{"192.0.2.5", VerdictFlag, "Example corporate cloud ranges"},
		{"203.0.113.66", VerdictFlag, "documentation range"},
		{"45.77.10.10", VerdictOK, ""},
		{"google.com", VerdictRefuse, "very popular"},
		{"www.google.com", VerdictRefuse, "very popular"},
		{"evil.github.io", VerdictFlag, "shared hosting"},
		{"github.io", VerdictRefuse, "shared hosting"},
		{"example.co.jp", VerdictRefuse, "own domain"},
		{"vpn.example.co.jp", VerdictFlag, "own domain"},
		{"user@example.co.jp", VerdictFlag, "own domain"},
		{"partner.example.net", VerdictRefuse, "our supplier"},
		{"a.partner.example.net", VerdictRefuse, "our supplier"},
		{"https://drive.google.com/file/d/abc", VerdictFlag, "URL on"},
		{"http://10.0.0.5/x", VerdictRefuse, "private"},
		{"iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com", VerdictNeverBlock, "kill-switch"},
		{"www.iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com", VerdictNeverBlock, "kill-switch"},
		{"http://iuqerfsodp9ifjaposdfjhgosurijfaewrwergwea.com/", VerdictNeverBlock, "kill-switch"},
		{"sinkhole-check.example.org", VerdictNeverBlock, "lab kill switch"},
		{"d41d8cd98f00b204e9800998ecf8427e", VerdictRefuse, "empty input"},
		{"svchost.exe", VerdictRefuse, "system binary"},
		{"evil-update.example-cdn.net", VerdictOK, ""},
		{"jpcert.or.jp", VerdictRefuse, "coordination centre"},
		{"second-c2.example.net", VerdictFlag, "documentation domain"},
	}
	for _, tc := range tests {
		in, err := Parse(tc.v)
		if err != nil {
			t.Fatalf("%s: %v", tc.v, err)
		}
		v, reason := g.Check(&in)
		if v != tc.want || !strings.Contains(reason, tc.reason) {
			t.Errorf("%s: %q %q, want %q containing %q", tc.v, v, reason, tc.want, tc.reason)
		}
	}
}

func TestMatcher(t *testing.T) {
	var inds []Indicator
	for _, v := range []string{"203.0.113.66", "198.51.100.0/24", "2001:db8:bad::/48", "evil.example.com", "http://dl.example.org/x.bin",
		strings.Repeat("ab", 32), "invoice.exe", "attacker@bad-mail.example", "10.0.0.1"} {
		in, err := Parse(v)
		if err != nil {
			t.Fatal(err)
		}
		inds = append(inds, in)
	}
	inds[len(inds)-1].Verdict = VerdictRefuse
	ua, _ := New(UserAgent, "EvilBot/1.0")
	inds = append(inds, ua)
	m := NewMatcher(inds, false)
	tests := []struct {
		name string
		set  func(*event.Event)
		want []string // "field=indicator"
		host string
	}{
		{"dst ip", func(e *event.Event) {
			e.SetStr(event.SourceIP, "10.0.0.5")
			e.SetStr(event.DestinationIP, "203.0.113.66")
		},
			[]string{"destination.ip=203.0.113.66"}, "10.0.0.5"},
		{"src ip in cidr", func(e *event.Event) {
			e.SetStr(event.SourceIP, "198.51.100.9")
			e.SetStr(event.DestinationIP, "10.0.0.6")
		},
			[]string{"source.ip=198.51.100.0/24"}, "10.0.0.6"},
		{"v6 cidr", func(e *event.Event) { e.SetStr(event.DestinationIP, "2001:db8:bad:1::5") }, []string{"destination.ip=2001:db8:bad::/48"}, ""},
		{"near miss", func(e *event.Event) { e.SetStr(event.DestinationIP, "203.0.113.6") }, nil, ""},
		{"refused not matched", func(e *event.Event) { e.SetStr(event.DestinationIP, "10.0.0.1") }, nil, ""},
		{"subdomain", func(e *event.Event) { e.SetStr(event.DNSQuestionName, "A.B.Evil.Example.com") }, []string{"dns.question.name=evil.example.com"}, ""},
		{"not a subdomain", func(e *event.Event) { e.SetStr(event.DNSQuestionName, "notevil.example.com") }, nil, ""},
		{"dns answer", func(e *event.Event) {
			e.SetStr(event.DNSQuestionName, "x.example.net")
			e.SetStr(event.DNSAnswers, "192.0.2.1,203.0.113.66")
		},
			[]string{"dns.answers.data=203.0.113.66"}, ""},
		{"url", func(e *event.Event) { e.SetStr(event.URLFull, "HTTP://dl.example.org:80/x.bin") }, []string{"url.full=http://dl.example.org/x.bin"}, ""},
		{"hash", func(e *event.Event) { e.SetStr(event.FileHashSHA256, strings.Repeat("AB", 32)) }, []string{"file.hash.sha256=" + strings.Repeat("ab", 32)}, ""},
		{"basename", func(e *event.Event) { e.Host = "PC1"; e.SetStr(event.ProcessExecutable, `C:\Temp\INVOICE.EXE`) }, []string{"process.executable=invoice.exe"}, "PC1"},
		{"email", func(e *event.Event) { e.SetStr(event.UserName, "Attacker@Bad-Mail.example") }, []string{"user.name=attacker@bad-mail.example"}, ""},
		{"ua", func(e *event.Event) { e.SetStr(event.UserAgentOriginal, "EvilBot/1.0") }, []string{"user_agent.original=EvilBot/1.0"}, ""},
	}
	for _, tc := range tests {
		ev := &event.Event{Kind: "test"}
		tc.set(ev)
		var got []string
		host := ""
		m.Match(ev, func(h Hit) {
			got = append(got, h.Field.String()+"="+h.Indicator.Value)
			host = InternalHost(ev, h.Field)
		})
		if !slices.Equal(got, tc.want) || (tc.want != nil && host != tc.host) {
			t.Errorf("%s: got %q host %q, want %q host %q", tc.name, got, host, tc.want, tc.host)
		}
	}
}

func BenchmarkMatcher(b *testing.B) {
	var inds []Indicator
	for i := range 100000 {
		in, _ := New(IPv4, fmt.Sprintf("45.%d.%d.%d", i>>16&255, i>>8&255, i&255))
		inds = append(inds, in)
		d, _ := New(Domain, fmt.Sprintf("c2-%d.example-bad.net", i))
		inds = append(inds, d)
	}
	m := NewMatcher(inds, false)
	ev := &event.Event{}
	ev.SetStr(event.SourceIP, "10.1.2.3")
	ev.SetStr(event.DestinationIP, "93.184.215.14")
	ev.SetStr(event.DNSQuestionName, "www.images.example.com")
	b.ReportAllocs()
	for b.Loop() {
		m.Match(ev, func(Hit) {})
	}
}
