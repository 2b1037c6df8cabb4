package jsontext

import (
	"encoding/json"
	"testing"
)

func TestAppendString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{`q"b\`, `"q\"b\\"`},
		{"a\nb\rc\td\x01\x7f", `"a\nb\rc\td\u0001` + "\x7f" + `"`},
		{"日本語", `"日本語"`},
		{"bad\xffbyte", `"bad\ufffdbyte"`},
		{"ls\u2028ps\u2029", `"ls\u2028ps\u2029"`},
	}
	for _, tc := range tests {
		if got := string(AppendString(nil, tc.in)); got != tc.want {
			t.Errorf("AppendString(%q) = %s, want %s", tc.in, got, tc.want)
		}
		if got := string(AppendString(nil, []byte(tc.in))); got != tc.want {
			t.Errorf("AppendString([]byte %q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// FuzzAppendString checks that any input becomes valid JSON that decodes
// back to the input (with invalid UTF-8 replaced).
func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\x00\xff", "日本\u2028"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := AppendString(nil, s)
		var back string
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("invalid JSON %q for %q: %v", out, s, err)
		}
		want := []rune{}
		for _, r := range s {
			want = append(want, r)
		}
		if back != string(want) {
			t.Fatalf("round trip: %q -> %q, want %q", s, back, string(want))
		}
	})
}

func BenchmarkAppendString(b *testing.B) {
	s := `C:\Windows\System32\cmd.exe /c "whoami" 日本語のテキスト`
	buf := make([]byte, 0, 256)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		buf = AppendString(buf[:0], s)
	}
}
