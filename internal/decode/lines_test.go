package decode

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestLineReader(t *testing.T) {
	long := strings.Repeat("x", MaxLine+10)
	in := "a\r\nb\n\n" + long + "\nc\r\n" + strings.Repeat("y", 300<<10) + "\nlast"
	lr := NewLineReader(strings.NewReader(in), "f.log")
	type got struct {
		line string
		n    int64
		bad  bool
	}
	var out []got
	for {
		b, err := lr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) || re.Line != lr.Line() || !strings.Contains(err.Error(), "f.log:4: line longer") {
				t.Fatalf("unexpected error %v", err)
			}
			out = append(out, got{n: lr.Line(), bad: true})
			continue
		}
		s := string(b)
		if len(s) > 20 {
			s = s[:1] + "…" // long but allowed
		}
		out = append(out, got{line: s, n: lr.Line()})
	}
	want := []got{{"a", 1, false}, {"b", 2, false}, {"", 3, false}, {"", 4, true}, {"c", 5, false}, {"y…", 6, false}, {"last", 7, false}}
	if len(out) != len(want) {
		t.Fatalf("got %+v", out)
	}
	for i := range want {
		if out[i] != want[i] {
			t.Errorf("line %d: got %+v, want %+v", i, out[i], want[i])
		}
	}
}

func TestRecordError(t *testing.T) {
	tests := []struct {
		e    RecordError
		want string
	}{
		{RecordError{Path: "a.log", Line: 3, Offset: -1, Reason: "bad"}, "a.log:3: bad"},
		{RecordError{Path: "a.evtx", Offset: 4096, Reason: "bad chunk"}, "a.evtx@4096: bad chunk"},
		{RecordError{Path: "a", Offset: -1, Reason: "x"}, "a: x"},
	}
	for _, tc := range tests {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
		if !IsRecordError(&tc.e) {
			t.Error("IsRecordError false")
		}
	}
	if IsRecordError(io.EOF) {
		t.Error("io.EOF taken for a record error")
	}
}
