package ioc

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
)

// keys lists what an extraction found as "type:value", in order.
func keys(x Extraction) []string {
	var out []string
	for _, f := range x.Found {
		out = append(out, string(f.Type)+":"+f.Value)
	}
	return out
}

const jaNotice = `株式会社サンプル 情報システム部 御中

JPCERT/CC の山田です。TLP:AMBER

貴組織のホスト（10.20.1.37）が、マルウェアの C2 サーバ「update-check[.]example-cdn[.]net」
（203[.]0[.]113[.]66）と 2025年11月20日(木) 10時30分頃から通信していることを確認しました。
ダウンロード元は hxxp://update-check[.]example-cdn[.]net/dl/invoice_2025-11.bin です。
ファイル名は請求書_2025.exe、SHA-256 は次のとおりです。
　ｅ３ｂ０ｃ４４２９８ｆｃ１ｃ１４９ａｆｂｆ４ｃ８９９６ｆｂ９２４２７ａｅ４１ｅ４６４９ｂ９３４ｃａ４９５９９１ｂ７８５２ｂ８５６
また、送信元 attacker[@]bad-mail[.]ru からの標的型メールも確認されています。
ご不明な点がございましたら、ご連絡ください。バージョン 1.2.3.4 の製品をお使いの場合は更新してください。
`

const enNotice = `Dear security team,

During our analysis of the Emotet campaign (TLP:GREEN) we observed a host in your network,
which first contacted 198.51.100.23:8443 on 2025-11-19 22:15 UTC.
C2 URLs:
  - hxxps://cdn-update(.)example-bad{.}org/wp-content/gate.php?id=7.
  - hxxp[:]//198[.]51[.]100[.]24/load
The operator's mailbox is ops[at]phish-example[dot]com, and the dropper hash (MD5) is
D41D8CD98F00B204E9800998ECF8427F.
User-Agent: Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)
Please refer to the attached report.pdf, e.g. section 2, for details. Windows 10.0.19041 and
version 1.2.3.4 are affected. The meeting is at 10:30:00. See ASP.NET and Node.js docs.
`

func TestExtract(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"japanese notice", jaNotice, []string{
			"ipv4:10.20.1.37",
			"domain:update-check.example-cdn.net",
			"ipv4:203.0.113.66",
			"url:http://update-check.example-cdn.net/dl/invoice_2025-11.bin",
			"filename:請求書_2025.exe",
			"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856",
			"email:attacker@bad-mail.ru",
		}},
		{"english notice", enNotice, []string{
			"ipv4:198.51.100.23",
			"url:https://cdn-update.example-bad.org/wp-content/gate.php?id=7",
			"domain:cdn-update.example-bad.org",
			"url:http://198.51.100.24/load",
			"ipv4:198.51.100.24",
			"email:ops@phish-example.com",
			"md5:d41d8cd98f00b204e9800998ecf8427f",
			"user-agent:Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1)",
		}},
		{"hxxp", "see hxxp://evil.example.com/a", []string{"url:http://evil.example.com/a", "domain:evil.example.com"}},
		{"hxxps upper", "see HXXPS://evil.example.com/", []string{"url:https://evil.example.com/", "domain:evil.example.com"}},
		{"[.]", "evil[.]example[.]com", []string{"domain:evil.example.com"}},
		{"(.)", "evil(.)example(.)com", []string{"domain:evil.example.com"}},
		{"[dot]", "evil[dot]example[DOT]com", []string{"domain:evil.example.com"}},
		{"{.}", "evil{.}example{.}com", []string{"domain:evil.example.com"}},
		{"[:]", "hxxp[:]//evil.example.com:8080/x", []string{"url:http://evil.example.com:8080/x", "domain:evil.example.com"}},
		{"[@]", "mail a[@]evil.example.com now", []string{"email:a@evil.example.com"}},
		{"ip defanged", "192[.]0[.]2[.]44", []string{"ipv4:192.0.2.44"}},
		{"full width", "Ｃ２：１９２．０．２．５５　ｅｖｉｌ．ｅｘａｍｐｌｅ．ｊｐ", []string{"ipv4:192.0.2.55", "domain:evil.example.jp"}},
		{"full width defang", "ｅｖｉｌ［．］ｅｘａｍｐｌｅ［．］ｃｏｍ", []string{"domain:evil.example.com"}},
		{"japanese punctuation", "接続先は「evil.example.net」、「192.0.2.7」。『hxxp://x.example.org/a』【203.0.113.9】",
			[]string{"domain:evil.example.net", "ipv4:192.0.2.7", "url:http://x.example.org/a", "domain:x.example.org", "ipv4:203.0.113.9"}},
		{"inside japanese sentence", "当該ホストがevil.example.comへ通信し、198.51.100.9から応答がありました。",
			[]string{"domain:evil.example.com", "ipv4:198.51.100.9"}},
		{"trailing punctuation", "Go to http://evil.example.com/a/b). Or (http://evil.example.com/c), http://evil.example.com/d;",
			[]string{"url:http://evil.example.com/a/b", "domain:evil.example.com", "url:http://evil.example.com/c", "url:http://evil.example.com/d"}},
		{"url with parens kept", "http://evil.example.com/a_(b)", []string{"url:http://evil.example.com/a_(b)", "domain:evil.example.com"}},
		{"cidr", "block 192.0.2.0/24 and 2001:db8:bad::/48", []string{"cidr:192.0.2.0/24", "cidr:2001:db8:bad::/48"}},
		{"ipv6", "from 2001:db8::dead:beef.", []string{"ipv6:2001:db8::dead:beef"}},
		{"hashes", "sha1 da39a3ee5e6b4b0d3255bfef95601890afd80709 md5 0cc175b9c0f1b6a831c399e269772661",
			[]string{"sha1:da39a3ee5e6b4b0d3255bfef95601890afd80709", "md5:0cc175b9c0f1b6a831c399e269772661"}},
		{"filename on a labelled line", "File name: invoice.pdf.exe", []string{"filename:invoice.pdf.exe"}},
		{"zip is a file not a domain", "検体: payload.zip", []string{"filename:payload.zip"}},
		{"zip defanged is a domain", "C2 evil[.]zip", []string{"domain:evil.zip"}},
		{"punycode", "xn--r8jz45g.xn--zckzah へ", []string{"domain:xn--r8jz45g.xn--zckzah"}},
		{"prose", "Please read report.pdf, e.g. chapter 2, i.e. the summary. Version 1.2.3.4 and v2.0.1.3 shipped; " +
			"Windows 10.0.19041.1 too. Call at 10:30:00 or 12:00. ASP.NET, Node.js, main.go, config.yaml and U.S. law. " +
			"Pi is 3.14159 and 2025.11.20 was a Thursday. Hash tables are O(1).", nil},
		{"prose japanese", "いつもお世話になっております。添付の報告書.pdfをご確認ください。バージョン 10.2.3.4 に更新済みです。", nil},
		{"long hex is not a hash", strings.Repeat("a1", 40), nil},
		{"guid is not a hash", "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := keys(Extract(tc.text))
			if !slices.Equal(got, tc.want) {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestExtractDetails(t *testing.T) {
	x := Extract(jaNotice)
	if x.TLP != TLPAmber {
		t.Errorf("TLP = %q", x.TLP)
	}
	byKey := map[string]Found{}
	for _, f := range x.Found {
		byKey[f.Key()] = f
		if f.TLP != TLPAmber {
			t.Errorf("%s: TLP %q", f.Key(), f.TLP)
		}
		if !strings.Contains(jaNotice[f.Offset:], f.Text) || !strings.HasPrefix(jaNotice[f.Offset:], f.Text) {
			t.Errorf("%s: offset %d does not point at %q", f.Key(), f.Offset, f.Text)
		}
	}
	tests := []struct {
		key       string
		line, col int
		text      string
		defanged  bool
		count     int
	}{
		{"domain:update-check.example-cdn.net", 5, 36, "update-check[.]example-cdn[.]net", true, 2},
		{"ipv4:203.0.113.66", 6, 2, "203[.]0[.]113[.]66", true, 1},
		{"ipv4:10.20.1.37", 5, 9, "10.20.1.37", false, 1},
		{"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856", 9, 2, "ｅ３ｂ０ｃ４４２９８ｆｃ１ｃ１４９ａｆｂｆ４ｃ８９９６ｆｂ９２４２７ａｅ４１ｅ４６４９ｂ９３４ｃａ４９５９９１ｂ７８５２ｂ８５６", false, 1},
	}
	for _, tc := range tests {
		f, ok := byKey[tc.key]
		if !ok {
			t.Errorf("%s not found", tc.key)
			continue
		}
		if f.Line != tc.line || f.Col != tc.col || f.Text != tc.text || f.Defanged != tc.defanged || f.Count != tc.count {
			t.Errorf("%s: line %d col %d text %q defanged %v count %d; want %d %d %q %v %d", tc.key, f.Line, f.Col, f.Text, f.Defanged, f.Count,
				tc.line, tc.col, tc.text, tc.defanged, tc.count)
		}
	}
}

func TestExtractTimes(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	tests := []struct {
		text string
		want []time.Time
	}{
		{"2025年11月20日(木) 10時30分頃から", []time.Time{time.Date(2025, 11, 20, 10, 30, 0, 0, jst)}},
		{"2025/11/20 10:30:15 に観測", []time.Time{time.Date(2025, 11, 20, 10, 30, 15, 0, jst)}},
		{"on 2025-11-19 22:15 UTC", []time.Time{time.Date(2025, 11, 19, 22, 15, 0, 0, time.UTC)}},
		{"at 2025-11-19T22:15:00+09:00 and 2025-11-21", []time.Time{time.Date(2025, 11, 19, 13, 15, 0, 0, time.UTC), time.Date(2025, 11, 21, 0, 0, 0, 0, jst)}},
		{"2025年２月３０日", nil},
		{"http://x.example/2025/11/20/a", nil},
	}
	for _, tc := range tests {
		x := Extract(tc.text)
		var got []time.Time
		for _, m := range x.Times {
			got = append(got, m.Time)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%q: got %v want %v", tc.text, got, tc.want)
			continue
		}
		for i := range got {
			if !got[i].Equal(tc.want[i]) {
				t.Errorf("%q: got %v want %v", tc.text, got[i], tc.want[i])
			}
		}
	}
	x := Extract(jaNotice)
	if e := x.Earliest(); !e.Equal(time.Date(2025, 11, 20, 1, 30, 0, 0, time.UTC)) {
		t.Errorf("earliest = %v", e)
	}
}

func encode(t *testing.T, e encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := e.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// buildMail writes a notice the way Japanese mailers do.
func buildMail(t *testing.T, kind string) []byte {
	t.Helper()
	var b bytes.Buffer
	subject := "【JPCERT/CC】マルウェア感染のご連絡 (TLP:AMBER)"
	body := jaNotice
	switch kind {
	case "iso-2022-jp":
		// 7-bit ISO-2022-JP body, B-encoded ISO-2022-JP subject. The
		// full-width hash is kept: ISO-2022-JP encodes it as JIS X 0208.
		fmt.Fprintf(&b, "From: =?ISO-2022-JP?B?%s?= <office@jpcert.or.jp>\r\n", base64.StdEncoding.EncodeToString(encode(t, japanese.ISO2022JP, "JPCERT/CC 早期警戒")))
		fmt.Fprintf(&b, "Subject: =?ISO-2022-JP?B?%s?=\r\n", base64.StdEncoding.EncodeToString(encode(t, japanese.ISO2022JP, subject)))
		b.WriteString("Date: Thu, 20 Nov 2025 18:00:00 +0900\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n")
		b.Write(encode(t, japanese.ISO2022JP, strings.ReplaceAll(body, "\n", "\r\n")))
	case "shift_jis":
		// Multipart: Shift_JIS body in base64, an HTML alternative in
		// quoted-printable UTF-8, and a binary attachment.
		fmt.Fprintf(&b, "From: office@jpcert.or.jp\r\nSubject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
		b.WriteString("Date: Thu, 20 Nov 2025 18:00:00 +0900\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\npreamble\r\n")
		b.WriteString("--XX\r\nContent-Type: multipart/alternative; boundary=\"YY\"\r\n\r\n")
		b.WriteString("--YY\r\nContent-Type: text/plain; charset=Shift_JIS\r\nContent-Transfer-Encoding: base64\r\n\r\n")
		enc := base64.StdEncoding.EncodeToString(encode(t, japanese.ShiftJIS, body))
		for len(enc) > 76 {
			b.WriteString(enc[:76] + "\r\n")
			enc = enc[76:]
		}
		b.WriteString(enc + "\r\n")
		b.WriteString("--YY\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n")
		qw := quotedprintable.NewWriter(&b)
		_, _ = qw.Write([]byte("<html><body><p>追加: 通信先 <b>second-c2[.]example[.]net</b></p><script>var x='198.51.100.250';</script></body></html>"))
		_ = qw.Close()
		b.WriteString("\r\n--YY--\r\n")
		b.WriteString("--XX\r\nContent-Type: application/octet-stream; name=\"sample.bin\"\r\nContent-Disposition: attachment; filename=\"sample.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\nTVqQAAMAAAAEAAAA//8AALgAAAAAAAAAQAAAAAAAAAAA\r\n--XX--\r\n")
	case "euc-jp":
		fmt.Fprintf(&b, "From: office@jpcert.or.jp\r\nSubject: =?EUC-JP?B?%s?=\r\n", base64.StdEncoding.EncodeToString(encode(t, japanese.EUCJP, subject)))
		b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=EUC-JP\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
		b.Write(encode(t, japanese.EUCJP, body))
	case "plain":
		b.WriteString("From: cert@example.org\r\nSubject: Compromised host in your network\r\nDate: Wed, 19 Nov 2025 23:00:00 +0000\r\n\r\n")
		b.WriteString(strings.ReplaceAll(enNotice, "\n", "\r\n"))
	}
	return b.Bytes()
}

func TestReadMail(t *testing.T) {
	jaWant := keys(Extract(jaNotice))
	tests := []struct {
		kind    string
		subject string
		want    []string
		attach  int
	}{
		{"iso-2022-jp", "【JPCERT/CC】マルウェア感染のご連絡 (TLP:AMBER)", jaWant, 0},
		{"shift_jis", "【JPCERT/CC】マルウェア感染のご連絡 (TLP:AMBER)", append(slices.Clone(jaWant), "domain:second-c2.example.net"), 1},
		{"euc-jp", "【JPCERT/CC】マルウェア感染のご連絡 (TLP:AMBER)", jaWant, 0},
		{"plain", "Compromised host in your network", keys(Extract(enNotice)), 0},
	}
	for _, tc := range tests {
		t.Run(tc.kind, func(t *testing.T) {
			raw := buildMail(t, tc.kind)
			n, err := ReadMail(bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if n.Subject != tc.subject {
				t.Errorf("subject = %q", n.Subject)
			}
			if len(n.Attachments) != tc.attach {
				t.Errorf("attachments = %+v", n.Attachments)
			}
			x := n.Extract()
			got := keys(x)
			slices.Sort(got)
			want := slices.Clone(tc.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("got  %q\nwant %q", got, want)
			}
			if tc.kind != "plain" && x.TLP != TLPAmber {
				t.Errorf("TLP = %q", x.TLP)
			}
			if len(x.Times) == 0 {
				t.Error("no times")
			}
		})
	}
}

func TestReadMailFixture(t *testing.T) {
	f, err := os.Open("testdata/notice-iso2022jp.eml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, err := ReadMail(f)
	if err != nil {
		t.Fatal(err)
	}
	got := keys(n.Extract())
	want := []string{"domain:update-check.example-cdn.net", "ipv4:203.0.113.66", "url:http://update-check.example-cdn.net/dl/invoice_2025-11.bin"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestDecodeCharsetGuess(t *testing.T) {
	s := "通信先：evil.example.com"
	for _, e := range []encoding.Encoding{japanese.ISO2022JP, japanese.ShiftJIS, japanese.EUCJP} {
		if got := DecodeCharset(encode(t, e, s), ""); got != s {
			t.Errorf("%v: %q", e, got)
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	text := strings.Repeat(jaNotice+enNotice, 4)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Extract(text)
	}
}
