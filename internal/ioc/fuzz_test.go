package ioc

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// checkNormalised fails when an indicator's value is not in the form
// Normalise gives it: every path into the package must normalise.
func checkNormalised(t *testing.T, in Indicator) {
	t.Helper()
	typ, v, err := Normalise(in.Type, in.Value)
	if err != nil || v != in.Value || typ != in.Type {
		t.Fatalf("indicator %s %q is not normalised: %s %q %v", in.Type, in.Value, typ, v, err)
	}
}

func FuzzExtract(f *testing.F) {
	f.Add(jaNotice)
	f.Add(enNotice)
	f.Add("hxxp[:]//evil[.]example[.]com/a) 192[.]0[.]2[.]1 a[@]b[dot]jp ｅｖｉｌ．ｊｐ 2025年11月20日 10時")
	f.Add("File name: x.exe " + strings.Repeat("ab", 16) + " 2001:db8::1/64 ::ffff:1.2.3.4")
	f.Fuzz(func(t *testing.T, s string) {
		x := Extract(s)
		for _, found := range x.Found {
			checkNormalised(t, found.Indicator)
			if found.Offset < 0 || found.Offset+len(found.Text) > len(s) {
				t.Fatalf("offset %d+%d outside text of %d", found.Offset, len(found.Text), len(s))
			}
			if s[found.Offset:found.Offset+len(found.Text)] != found.Text {
				t.Fatalf("text at offset %d is %q, not %q", found.Offset, s[found.Offset:found.Offset+len(found.Text)], found.Text)
			}
		}
	})
}

func FuzzReadMail(f *testing.F) {
	for _, k := range []string{"iso-2022-jp", "shift_jis", "euc-jp", "plain"} {
		f.Add(buildMail(&testing.T{}, k))
	}
	if b, err := os.ReadFile("testdata/notice-iso2022jp.eml"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := ReadMail(bytes.NewReader(b))
		if n == nil {
			if err == nil {
				t.Fatal("no notice and no error")
			}
			return
		}
		for _, found := range n.Extract().Found {
			checkNormalised(t, found.Indicator)
		}
	})
}

func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{
		`[ipv4-addr:value = '198.51.100.1']`,
		`[file:hashes.'SHA-256' = 'aa' AND file:name = 'x.exe'] FOLLOWEDBY [url:value = 'http://x.example/'] WITHIN 60 SECONDS`,
		`([a:b[*].c = 1] OR [email-addr:value IN ('a@b.example', 'c@d.example')]) REPEATS 2 TIMES`,
		`[x:y NOT LIKE 'a\'b'] START t'2025-01-01T00:00:00Z' STOP t'2025-02-01T00:00:00Z'`,
		`[network-traffic:dst_ref.value = '2001:db8::/32' AND EXISTS x:y]`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePattern(s)
		if err != nil {
			return
		}
		for _, term := range p.Terms() {
			if in, err := New(term.Type, term.Value); err == nil {
				checkNormalised(t, in)
			}
		}
		// What is written back parses again to the same terms.
		var walk func(c *CompExpr)
		walk = func(c *CompExpr) {
			if c == nil {
				return
			}
			if c.Test != nil {
				back := "[" + c.Test.String() + "]"
				q, err := ParsePattern(back)
				if err != nil {
					t.Fatalf("%q written back as %q does not parse: %v", s, back, err)
				}
				if got := q.Root.Comp.Test.String(); got != c.Test.String() {
					t.Fatalf("round trip %q -> %q", c.Test.String(), got)
				}
			}
			walk(c.Left)
			walk(c.Right)
		}
		var obs func(e *ObsExpr)
		obs = func(e *ObsExpr) {
			if e == nil {
				return
			}
			walk(e.Comp)
			obs(e.Left)
			obs(e.Right)
		}
		obs(p.Root)
	})
}

func FuzzReadMISP(f *testing.F) {
	if b, err := os.ReadFile("testdata/misp-event.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"response":[{"Event":{"Attribute":[{"type":"ip-dst|port","value":"1.2.3.4|80","to_ids":"1"}]}}]}`))
	f.Add([]byte(`[{"Event":{"Tag":[{"name":"tlp:red"}],"Object":[{"Attribute":[{"type":"filename|md5","value":"a|b","to_ids":true}]}]}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		im, err := ReadMISP(bytes.NewReader(b), "fuzz", MISPOptions{AllAttributes: true})
		if err != nil {
			return
		}
		for _, in := range im.Indicators {
			checkNormalised(t, in)
		}
	})
}

func FuzzReadSTIX(f *testing.F) {
	if b, err := os.ReadFile("testdata/stix-bundle.json"); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"type":"indicator","pattern":"[url:value = 'http://x.example/']","pattern_type":"stix"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		im, err := ReadSTIX(bytes.NewReader(b), "fuzz")
		if err != nil {
			return
		}
		for _, in := range im.Indicators {
			checkNormalised(t, in)
		}
	})
}
