package jsonscan

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// errText returns the text of err, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestStr(t *testing.T) {
	tests := []struct {
		in      string
		strict  bool
		want    string
		err     string
		wantPos int // Pos after a successful read; -1 for len(in)
	}{
		{in: `"abc"`, want: "abc", wantPos: -1},
		{in: `"abc" , 1`, want: "abc", wantPos: 5},
		{in: `""`, want: "", wantPos: -1},
		{in: `"a\"b\\c\/d"`, want: `a"b\c/d`, wantPos: -1},
		{in: `"\b\f\n\r\t"`, want: "\b\f\n\r\t", wantPos: -1},
		{in: `"\u00e9\u20AC"`, want: "é€", wantPos: -1},
		{in: `"\ud83d\ude00!"`, want: "😀!", wantPos: -1},
		{in: `"\ud83d\ude00!"`, strict: true, want: "😀!", wantPos: -1},
		{in: `"\ud800x"`, want: "\uFFFDx", wantPos: -1},
		{in: `"\ude00\ud83d"`, want: "\uFFFD\uFFFD", wantPos: -1},
		{in: `"\ud800\u0041"`, want: "\uFFFDA", wantPos: -1},
		{in: `"\ud800\u004"`, err: "bad escape in JSON string"},
		{in: "\"a\x01\xffb\"", want: "a\x01\xffb", wantPos: -1},
		{in: "\"a\xffb\"", strict: true, want: "a\uFFFDb", wantPos: -1},
		{in: "\"é\"", strict: true, want: "é", wantPos: -1},
		{in: "\"a\x01\"", strict: true, err: `expected no control character in a string at column 3, found '\x01'`},
		{in: `"abc`, err: "unexpected end of JSON"},
		{in: `"ab\`, err: "unexpected end of JSON"},
		{in: `"ab\u12`, err: "bad escape in JSON string"},
		{in: `"ab\u12`, strict: true, err: `expected four hex digits at column 6, found '1'`},
		{in: `"ab\u`, strict: true, err: "unexpected end of JSON"},
		{in: `"ab\q"`, err: "bad escape in JSON string"},
		{in: `"ab\q"`, strict: true, err: `expected an escape at column 5, found 'q'`},
	}
	for _, tt := range tests {
		p := Scanner{Src: tt.in, Strict: tt.strict}
		got, err := p.Str()
		if errText(err) != tt.err || got != tt.want {
			t.Errorf("Str(%q, strict %v) = %q, %q; want %q, %q", tt.in, tt.strict, got, errText(err), tt.want, tt.err)
			continue
		}
		want := tt.wantPos
		if want < 0 {
			want = len(tt.in)
		}
		if err == nil && p.Pos != want {
			t.Errorf("Str(%q): Pos = %d, want %d", tt.in, p.Pos, want)
		}
	}
}

func TestNumber(t *testing.T) {
	tests := []struct {
		in     string
		strict bool
		want   string
		err    string
	}{
		{in: "0", want: "0"},
		{in: "-12.5e+3,", want: "-12.5e+3"},
		{in: "1E9}", want: "1E9"},
		{in: "3.25", want: "3.25"},
		{in: "01", want: "0"},
		{in: "01", strict: true, err: "expected a value at column 1, found '0'"},
		{in: "-01", strict: true, err: "expected a value at column 2, found '0'"},
		{in: "-", err: "unexpected end of JSON"},
		{in: "-x", err: "expected a value at column 2, found 'x'"},
		{in: "x", err: "expected a value at column 1, found 'x'"},
		{in: "1.", err: "unexpected end of JSON"},
		{in: "1.e5", err: "expected a digit at column 3, found 'e'"},
		{in: "1e+", err: "unexpected end of JSON"},
		{in: "1ex", err: "expected a digit at column 3, found 'x'"},
	}
	for _, tt := range tests {
		p := Scanner{Src: tt.in, Strict: tt.strict}
		got, err := p.Number()
		if errText(err) != tt.err || got != tt.want {
			t.Errorf("Number(%q, strict %v) = %q, %q; want %q, %q", tt.in, tt.strict, got, errText(err), tt.want, tt.err)
		}
		if err == nil && p.Pos != len(got) {
			t.Errorf("Number(%q): Pos = %d", tt.in, p.Pos)
		}
	}
}

func TestLiteral(t *testing.T) {
	tests := []struct {
		in     string
		strict bool
		want   string
		err    string
	}{
		{in: "true", want: "true"},
		{in: "false,", want: "false"},
		{in: "null}", want: "null"},
		{in: "tru", err: "bad JSON literal"},
		{in: "nul", strict: true, err: `expected "null" at column 1, found 'n'`},
		{in: "fals", strict: true, err: `expected "false" at column 1, found 'f'`},
	}
	for _, tt := range tests {
		p := Scanner{Src: tt.in, Strict: tt.strict}
		got, err := p.Literal()
		if errText(err) != tt.err || got != tt.want {
			t.Errorf("Literal(%q, strict %v) = %q, %q; want %q, %q", tt.in, tt.strict, got, errText(err), tt.want, tt.err)
		}
	}
}

func TestSkip(t *testing.T) {
	nest := func(n int, inner string) string {
		return strings.Repeat("[", n) + inner + strings.Repeat("]", n)
	}
	tests := []struct {
		in     string
		depth  int
		strict bool
		space  bool
		err    string
		pos    int // Pos after a successful skip; 0 for len(in)
	}{
		{in: `[1,"a",true,null,{"k":[]}]`, depth: 1},
		{in: `[ 1 ]`, depth: 1, space: true},
		{in: `{"a" : "b c"}`, depth: 1, space: true},
		{in: `{"a":"b c"}`, depth: 1},
		{in: `"x y" rest`, depth: 1, pos: 5},
		{in: `12, 3`, depth: 1, pos: 2},
		{in: `[]`, depth: 1},
		{in: `[1 2]`, depth: 1, err: `expected ',' or ']' at column 4, found '2'`},
		{in: `{"a" 1}`, depth: 1, err: `expected ':' at column 6, found '1'`},
		{in: `{1:2}`, depth: 1, err: "expected a key at column 2, found '1'"},
		{in: `[1,`, depth: 1, err: "unexpected end of JSON"},
		{in: `["\q"]`, depth: 1, err: "bad escape in JSON string"},
		{in: `["\q"]`, depth: 1, strict: true, err: "expected an escape at column 4, found 'q'"},
		{in: "[\"\x01\"]", depth: 1},
		{in: "[\"\x01\"]", depth: 1, strict: true, err: `expected no control character in a string at column 3, found '\x01'`},
		{in: `[tru]`, depth: 1, err: "bad JSON literal"},
		// Lenient: no array or object may open at depth MaxDepth.
		{in: nest(MaxDepth-1, "1"), depth: 1},
		{in: nest(MaxDepth, ""), depth: 1, err: "JSON nested too deeply"},
		// Strict: no value may lie deeper than MaxDepth.
		{in: nest(MaxDepth, ""), depth: 1, strict: true},
		{in: nest(MaxDepth, "1"), depth: 1, strict: true, err: "JSON nested too deeply"},
		{in: "1", depth: MaxDepth + 1, strict: true, err: "JSON nested too deeply"},
	}
	for _, tt := range tests {
		p := Scanner{Src: tt.in, Strict: tt.strict}
		space, err := p.Skip(tt.depth)
		if errText(err) != tt.err {
			t.Errorf("Skip(%q, strict %v) error %q, want %q", tt.in, tt.strict, errText(err), tt.err)
			continue
		}
		if err != nil {
			continue
		}
		want := tt.pos
		if want == 0 {
			want = len(tt.in)
		}
		if space != tt.space || p.Pos != want {
			t.Errorf("Skip(%q) = space %v, Pos %d; want %v, %d", tt.in, space, p.Pos, tt.space, want)
		}
	}
}

func TestSyntaxErrAndWS(t *testing.T) {
	p := Scanner{Src: " \t\r\n x"}
	if !p.WS() || p.Pos != 5 {
		t.Fatalf("WS: Pos = %d", p.Pos)
	}
	if p.WS() {
		t.Errorf("WS found space before x")
	}
	err := p.SyntaxErr("':'")
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 5 || se.Found != 'x' {
		t.Fatalf("SyntaxErr = %#v", err)
	}
	if got := err.Error(); got != "expected ':' at column 6, found 'x'" {
		t.Errorf("SyntaxErr text = %q", got)
	}
	p.Pos++
	if err := p.SyntaxErr("':'"); err != ErrEnd {
		t.Errorf("SyntaxErr at end = %v, want ErrEnd", err)
	}
	p.Reset("ab")
	if p.Src != "ab" || p.Pos != 0 {
		t.Errorf("Reset: %q %d", p.Src, p.Pos)
	}
}

func TestCompact(t *testing.T) {
	tests := []struct{ in, want string }{
		{`[1, 2]`, `[1,2]`},
		{"[ \"a b\" ,\t{ \"c\" : [ ] }\r\n]", `["a b",{"c":[]}]`},
		{`[ "x\" y" , 1 ]`, `["x\" y",1]`},
		{`["\\", 2 ]`, `["\\",2]`},
		{`[]`, `[]`},
	}
	for _, tt := range tests {
		if got := Compact(tt.in); got != tt.want {
			t.Errorf("Compact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzSkip checks the scanner against encoding/json: what Skip accepts in
// strict mode is valid JSON (or shallow enough for it), compacting it
// keeps its meaning, and strings read back as encoding/json reads them.
func FuzzSkip(f *testing.F) {
	for _, s := range []string{`[1, "a\u00e9", {"b" : [true, null]}]`, `"x\ud83d\ude00"`, `-0.5e3`, `{"a":01}`, "\"\xff\"", `[[[]]]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		for _, strict := range []bool{false, true} {
			p := Scanner{Src: in, Strict: strict}
			space, err := p.Skip(1)
			if err != nil {
				continue
			}
			if p.Pos > len(in) {
				t.Fatalf("%q: Pos %d past the end", in, p.Pos)
			}
			v := in[:p.Pos]
			if !strict {
				continue
			}
			if !json.Valid([]byte(v)) {
				t.Fatalf("%q: strict Skip accepted invalid %q", in, v)
			}
			c := Compact(v)
			if !space && c != v {
				t.Fatalf("%q: no space reported but Compact changed it to %q", v, c)
			}
			a, errA := decodeJSON(v)
			b, errB := decodeJSON(c)
			if errA != nil || errB != nil || !reflect.DeepEqual(a, b) {
				t.Fatalf("%q: Compact gave %q", v, c)
			}
			if v[0] == '"' {
				q := Scanner{Src: v, Strict: true}
				s, err := q.Str()
				if err != nil || s != a.(string) || q.Pos != len(v) {
					t.Fatalf("%q: Str = %q, %v; encoding/json %q", v, s, err, a)
				}
			}
		}
	})
}

// decodeJSON decodes v with encoding/json, keeping numbers as text.
func decodeJSON(v string) (any, error) {
	d := json.NewDecoder(strings.NewReader(v))
	d.UseNumber()
	var a any
	err := d.Decode(&a)
	return a, err
}
