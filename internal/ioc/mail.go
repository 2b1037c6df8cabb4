package ioc

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Notice is an e-mail (typically from a coordination centre) read into
// text: its headers decoded and every text part decoded to UTF-8.
type Notice struct {
	Subject   string
	From      string
	To        string
	Date      time.Time
	MessageID string
	Parts     []TextPart
	// Attachments that are not text are described, never opened or run.
	Attachments []Attachment
}

// TextPart is one text part of a notice, decoded to UTF-8.
type TextPart struct {
	Name        string // attachment file name, or "body"
	ContentType string
	Text        string
}

// Attachment is a non-text part: only its name, type, size and hash are kept.
type Attachment struct {
	Name        string
	ContentType string
	Size        int64
	SHA256      string
}

// Limits for hostile mail.
const (
	maxMail      = 32 << 20
	maxMailDepth = 8
	maxMailParts = 200
)

// ReadMail parses an RFC 5322 message: MIME multipart (nested, and
// forwarded message/rfc822 parts), base64 and quoted-printable, encoded-word
// headers, and the charsets UTF-8, ISO-2022-JP, Shift_JIS, EUC-JP and the
// others that WHATWG names. HTML parts are reduced to their text.
func ReadMail(r io.Reader) (*Notice, error) {
	msg, err := mail.ReadMessage(io.LimitReader(r, maxMail))
	if err != nil {
		return nil, fmt.Errorf("read mail: %w", err)
	}
	n := &Notice{}
	h := textproto.MIMEHeader(msg.Header)
	n.Subject = decodeHeader(h.Get("Subject"))
	n.From = decodeHeader(h.Get("From"))
	n.To = decodeHeader(h.Get("To"))
	n.MessageID = strings.TrimSpace(h.Get("Message-Id"))
	if d, err := msg.Header.Date(); err == nil {
		n.Date = d
	}
	if err := n.walk(h, msg.Body, 0); err != nil {
		return n, fmt.Errorf("read mail: %w", err)
	}
	return n, nil
}

// Extract finds indicators and times in the subject and every text part.
// An indicator found in several places is reported once, where it first
// appears, with the total count.
func (n *Notice) Extract() Extraction {
	var out Extraction
	keys := map[string]int{}
	merge := func(x Extraction) {
		for _, f := range x.Found {
			if k, ok := keys[f.Key()]; ok {
				out.Found[k].Count += f.Count
				continue
			}
			keys[f.Key()] = len(out.Found)
			out.Found = append(out.Found, f)
		}
		out.Times = append(out.Times, x.Times...)
		out.TLP = out.TLP.Stricter(x.TLP)
	}
	merge(extract(n.Subject, "subject"))
	for _, p := range n.Parts {
		merge(extract(p.Text, p.Name))
	}
	if out.TLP != "" {
		for i := range out.Found {
			out.Found[i].TLP = out.Found[i].TLP.Stricter(out.TLP)
		}
	}
	return out
}

func (n *Notice) walk(h textproto.MIMEHeader, body io.Reader, depth int) error {
	if depth > maxMailDepth {
		return errors.New("MIME parts nested too deeply")
	}
	if len(n.Parts)+len(n.Attachments) > maxMailParts {
		return errors.New("too many MIME parts")
	}
	ct := h.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || ct == "" {
		mt, params = "text/plain", map[string]string{}
	}
	body = decodeTransfer(h.Get("Content-Transfer-Encoding"), body)
	name := partName(h, params)
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		boundary := params["boundary"]
		if boundary == "" {
			return n.text(name, mt, "", body)
		}
		mr := multipart.NewReader(body, boundary)
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := n.walk(p.Header, p, depth+1); err != nil {
				return err
			}
		}
	case mt == "message/rfc822" || mt == "message/global":
		inner, err := mail.ReadMessage(body)
		if err != nil {
			return n.text(name, mt, "", body)
		}
		ih := textproto.MIMEHeader(inner.Header)
		sub := decodeHeader(ih.Get("Subject"))
		if sub != "" {
			n.Parts = append(n.Parts, TextPart{Name: "forwarded subject", ContentType: "text/plain", Text: sub})
		}
		return n.walk(ih, inner.Body, depth+1)
	case strings.HasPrefix(mt, "text/") || mt == "application/json" || mt == "application/csv" || mt == "application/stix+json":
		return n.text(name, mt, params["charset"], body)
	default:
		sum := sha256.New()
		size, err := io.Copy(sum, io.LimitReader(body, maxMail))
		if err != nil {
			return fmt.Errorf("attachment %q: %w", name, err)
		}
		n.Attachments = append(n.Attachments, Attachment{Name: name, ContentType: mt, Size: size, SHA256: hex.EncodeToString(sum.Sum(nil))})
		return nil
	}
}

func (n *Notice) text(name, mt, charset string, body io.Reader) error {
	raw, err := io.ReadAll(io.LimitReader(body, maxMail))
	if err != nil {
		return fmt.Errorf("part %q: %w", name, err)
	}
	s := DecodeCharset(raw, charset)
	if mt == "text/html" {
		s = htmlText(s)
	}
	if name == "" {
		name = "body"
	}
	n.Parts = append(n.Parts, TextPart{Name: name, ContentType: mt, Text: s})
	return nil
}

func partName(h textproto.MIMEHeader, ctParams map[string]string) string {
	if _, p, err := mime.ParseMediaType(h.Get("Content-Disposition")); err == nil && p["filename"] != "" {
		return decodeHeader(p["filename"])
	}
	if ctParams["name"] != "" {
		return decodeHeader(ctParams["name"])
	}
	return ""
}

func decodeTransfer(cte string, r io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &base64Filter{r: r})
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

// base64Filter drops what is not base64 (line ends, stray spaces), which
// mailers leave in bodies and which encoding/base64 would refuse.
type base64Filter struct{ r io.Reader }

func (f *base64Filter) Read(p []byte) (int, error) {
	for {
		n, err := f.r.Read(p)
		k := 0
		for _, c := range p[:n] {
			if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' {
				p[k] = c
				k++
			}
		}
		if k > 0 || err != nil {
			return k, err
		}
	}
}

// charsetEncoding finds the decoder for a MIME charset name.
func charsetEncoding(name string) encoding.Encoding {
	switch strings.ToLower(strings.Trim(strings.TrimSpace(name), `"`)) {
	case "", "us-ascii", "ascii", "utf-8", "utf8":
		return nil
	case "iso-2022-jp", "iso2022jp", "iso-2022-jp-2", "iso-2022-jp-3", "csiso2022jp":
		return japanese.ISO2022JP
	case "shift_jis", "shift-jis", "sjis", "x-sjis", "cp932", "windows-31j", "ms932", "ms_kanji", "csshiftjis":
		return japanese.ShiftJIS
	case "euc-jp", "eucjp", "x-euc-jp", "cseucpkdfmtjapanese":
		return japanese.EUCJP
	case "utf-16", "utf16":
		return unicode.UTF16(unicode.BigEndian, unicode.UseBOM)
	}
	if e, err := htmlindex.Get(name); err == nil {
		return e
	}
	return nil
}

// DecodeCharset converts text in the named charset to UTF-8. With no or an
// unknown charset it guesses: ISO-2022-JP when escape sequences say so,
// UTF-8 when valid, else Shift_JIS or EUC-JP, whichever decodes cleanly.
func DecodeCharset(raw []byte, charset string) string {
	enc := charsetEncoding(charset)
	if enc == nil {
		switch {
		case bytes.Contains(raw, []byte("\x1b$B")) || bytes.Contains(raw, []byte("\x1b$@")) || bytes.Contains(raw, []byte("\x1b(J")):
			enc = japanese.ISO2022JP
		case utf8.Valid(raw):
			return string(raw)
		default:
			// EUC-JP read as Shift_JIS gives half-width katakana, which
			// real notices hardly use: prefer the reading with fewer.
			best, bestScore := "", -1
			for _, e := range []encoding.Encoding{japanese.EUCJP, japanese.ShiftJIS} {
				if s, err := decodeStrict(e, raw); err == nil {
					score := 0
					for _, r := range s {
						if r >= 0xFF61 && r <= 0xFF9F {
							score++
						}
					}
					if bestScore < 0 || score < bestScore {
						best, bestScore = s, score
					}
				}
			}
			if bestScore >= 0 {
				return best
			}
			return strings.ToValidUTF8(string(raw), "\uFFFD")
		}
	}
	s, _, err := transform.Bytes(enc.NewDecoder(), raw)
	if err != nil {
		return strings.ToValidUTF8(string(raw), "\uFFFD")
	}
	return strings.ToValidUTF8(string(s), "\uFFFD")
}

func decodeStrict(e encoding.Encoding, raw []byte) (string, error) {
	s, _, err := transform.Bytes(e.NewDecoder(), raw)
	if err != nil {
		return "", err
	}
	if bytes.ContainsRune(s, utf8.RuneError) {
		return "", errors.New("replacement characters")
	}
	return string(s), nil
}

// decodeHeader decodes RFC 2047 encoded words in any supported charset, and
// raw ISO-2022-JP or 8-bit text that some mailers put in headers.
func decodeHeader(s string) string {
	if s == "" {
		return ""
	}
	d := mime.WordDecoder{CharsetReader: func(charset string, input io.Reader) (io.Reader, error) {
		e := charsetEncoding(charset)
		if e == nil {
			return input, nil
		}
		return transform.NewReader(input, e.NewDecoder()), nil
	}}
	out, err := d.DecodeHeader(s)
	if err != nil {
		out = s
	}
	if strings.ContainsRune(out, 0x1b) || !utf8.ValidString(out) {
		out = DecodeCharset([]byte(out), "")
	}
	return out
}

// htmlText reduces HTML to its visible text: tags dropped (script and style
// with their content), block ends as line breaks, entities unescaped.
func htmlText(s string) string {
	var b strings.Builder
	lower := strings.ToLower(s)
	for i := 0; i < len(s); {
		if s[i] != '<' {
			j := strings.IndexByte(s[i:], '<')
			if j < 0 {
				j = len(s) - i
			}
			b.WriteString(html.UnescapeString(s[i : i+j]))
			i += j
			continue
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		tag := lower[i+1 : i+j]
		i += j + 1
		name := ""
		if f := strings.Fields(tag); len(f) > 0 {
			name = strings.TrimPrefix(f[0], "/")
		}
		switch name {
		case "script", "style":
			if !strings.HasPrefix(tag, "/") {
				if k := strings.Index(lower[i:], "</"+name); k >= 0 {
					i += k
				} else {
					i = len(s)
				}
			}
		case "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", "pre", "blockquote":
			b.WriteByte('\n')
		case "td", "th":
			b.WriteByte('\t')
		}
	}
	return b.String()
}
