package evtx

import (
	"bytes"
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func TestAppendScalar(t *testing.T) {
	ft := uint64(time.Date(2021, 11, 13, 14, 8, 43, 58458500, time.UTC).UnixNano()/100) + filetimeEpoch
	tests := []struct {
		name string
		typ  byte
		data []byte
		want string
	}{
		{"null", typeNull, nil, ""},
		{"utf16 ascii", typeString, utf16le("net.exe"), "net.exe"},
		{"utf16 trailing NUL", typeString, utf16le("abc\x00\x00"), "abc"},
		{"utf16 non-ASCII", typeString, utf16le("ログ®"), "ログ®"},
		{"utf16 surrogate pair", typeString, utf16le("a😀b"), "a😀b"},
		{"utf16 lone surrogate", typeString, []byte{0x00, 0xd8, 'x', 0}, "\uFFFDx"},
		{"utf16 odd length", typeString, []byte{'a', 0, 'b'}, "a"},
		{"ansi cp1252", typeANSI, []byte{'a', 0x80, 0xe9, 0}, "a€é"},
		{"int8", typeInt8, []byte{0xff}, "-1"},
		{"uint8", typeUint8, []byte{0xff}, "255"},
		{"int16", typeInt16, []byte{0xfe, 0xff}, "-2"},
		{"uint16", typeUint16, []byte{0xfe, 0xff}, "65534"},
		{"int32", typeInt32, le32(0xffffffff), "-1"},
		{"uint32", typeUint32, le32(4688), "4688"},
		{"int64", typeInt64, le64(math.MaxUint64), "-1"},
		{"uint64", typeUint64, le64(469061), "469061"},
		{"real32", typeReal32, le32(math.Float32bits(1.5)), "1.5"},
		{"real64", typeReal64, le64(math.Float64bits(-0.25)), "-0.25"},
		{"real64 inf", typeReal64, le64(math.Float64bits(math.Inf(1))), "1.#INF"},
		{"bool true", typeBool, le32(1), "true"},
		{"bool false", typeBool, le32(0), "false"},
		{"binary", typeBinary, []byte{0xde, 0xad, 0x01}, "DEAD01"},
		{"guid", typeGUID, []byte{0x25, 0x96, 0x84, 0x54, 0x78, 0x54, 0x94, 0x49, 0xa5, 0xba, 0x3e, 0x3b, 0x03, 0x28, 0xc3, 0x0d},
			"{54849625-5478-4994-A5BA-3E3B0328C30D}"},
		{"size_t 64", typeSizeT, le64(0x408), "0x408"},
		{"size_t 32", typeSizeT, le32(0x2d), "0x2d"},
		{"hex32", typeHex32, le32(0x3e7), "0x3e7"},
		{"hex64", typeHex64, le64(0x8020000000000000), "0x8020000000000000"},
		{"hex64 zero", typeHex64, le64(0), "0x0"},
		{"filetime", typeFileTime, le64(ft), "2021-11-13T14:08:43.0584585Z"},
		{"systemtime", typeSysTime, []byte{0xe5, 0x07, 11, 0, 6, 0, 13, 0, 14, 0, 8, 0, 43, 0, 58, 0}, "2021-11-13T14:08:43.058Z"},
		{"sid", typeSID, []byte{1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0, 0x56, 0xd6, 0x28, 0xfc, 0x05, 0x66, 0x8f, 0x97, 0x6f, 0x24, 0x56, 0xbb, 0x57, 0x04, 0, 0},
			"S-1-5-21-4230534742-2542757381-3142984815-1111"},
		{"sid system", typeSID, []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}, "S-1-5-18"},
		{"sid short", typeSID, []byte{1, 2, 0, 0}, "01020000"},
		{"wrong size int", typeUint32, []byte{1, 2}, "0102"},
		{"handle", typeHandle, le64(0x10), "0x10"},
		{"unknown type", 0x7f, []byte{0xab}, "AB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(appendScalar(nil, tc.typ, tc.data)); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestForEachElem(t *testing.T) {
	tests := []struct {
		name string
		typ  byte
		data []byte
		want string // JSON array
	}{
		{"strings", typeString, utf16le("a\x00bc\x00"), `["a","bc"]`},
		{"strings unterminated", typeString, utf16le("a\x00bc"), `["a","bc"]`},
		{"ansi strings", typeANSI, []byte("x\x00yz\x00"), `["x","yz"]`},
		{"uint16", typeUint16, []byte{1, 0, 2, 0}, `["1","2"]`},
		{"hex64", typeHex64, append(le64(1), le64(255)...), `["0x1","0xff"]`},
		{"size_t 32", typeSizeT, append(append(le32(1), le32(2)...), le32(3)...), `["0x1","0x2","0x3"]`},
		{"size_t 64", typeSizeT, append(le64(1), le64(2)...), `["0x1","0x2"]`},
		{"sids", typeSID, []byte{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 5, 19, 0, 0, 0}, `["S-1-5-18","S-1-5-19"]`},
		{"guids trailing bytes", typeGUID, make([]byte, 20), `["{00000000-0000-0000-0000-000000000000}"]`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := string(appendJSONArray(nil, tc.typ, tc.data))
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestFiletimeNanos(t *testing.T) {
	tests := []struct {
		ft   uint64
		want int64
	}{
		{filetimeEpoch, 0},
		{filetimeEpoch + 1, 100},
		{filetimeEpoch + 10_000_000, 1e9},
		{0, math.MinInt64},
		{filetimeEpoch - 10_000_000, -1e9},
		{math.MaxUint64, math.MaxInt64},
	}
	for _, tc := range tests {
		if got := filetimeNanos(tc.ft); got != tc.want {
			t.Errorf("filetimeNanos(%d) = %d, want %d", tc.ft, got, tc.want)
		}
	}
}

func TestEscaping(t *testing.T) {
	tests := []struct {
		in, xmlText, xmlAttr string
	}{
		{"plain", "plain", "plain"},
		{`a<b>&"c'`, `a&lt;b&gt;&amp;"c'`, `a&lt;b&gt;&amp;&quot;c'`},
		{"l1\nl2\t\x01", "l1\nl2\t\uFFFD", "l1&#x0A;l2&#x09;\uFFFD"},
	}
	for _, tc := range tests {
		if got := string(appendXMLEscaped(nil, []byte(tc.in), false)); got != tc.xmlText {
			t.Errorf("text %q: got %q, want %q", tc.in, got, tc.xmlText)
		}
		if got := string(appendXMLEscaped(nil, []byte(tc.in), true)); got != tc.xmlAttr {
			t.Errorf("attr %q: got %q, want %q", tc.in, got, tc.xmlAttr)
		}
	}
}

// TestUTF16Fast checks the word-at-a-time conversions against the plain
// definitions on random text rich in the characters they must notice.
func TestUTF16Fast(t *testing.T) {
	alphabet := []rune("abcXYZ019 <>&\"'\x00\x01\x1f\t\n\r~\x7fé€ログ😀")
	r := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		n := r.IntN(24)
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		b := utf16le(string(rs))
		plain := appendUTF16(nil, b)
		slow := appendXMLEscaped(nil, plain, false)
		fast, _ := appendUTF16XML(nil, b, nil)
		if !bytes.Equal(fast, slow) {
			t.Fatalf("%q: fast %q, slow %q", string(rs), fast, slow)
		}
		// appendUTF16 drops trailing NULs only; compare where there are
		// none.
		if want := string(utf16.Decode(u16s(b))); !strings.HasSuffix(want, "\x00") && string(plain) != want {
			t.Fatalf("%q: appendUTF16 %q, want %q", string(rs), plain, want)
		}
	}
}

func u16s(b []byte) []uint16 {
	var u []uint16
	for i := 0; i+1 < len(b); i += 2 {
		u = append(u, binary.LittleEndian.Uint16(b[i:]))
	}
	return u
}
