package zeek

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

func addSeeds(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds for %s", pattern)
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// drain decodes all of data and fails on a panic (by crashing) or on an
// error that is neither a RecordError nor io.EOF.
func drain(t *testing.T, format decode.Format, data []byte) (events int, recErrs []error) {
	format.Detect(data)
	dec, err := format.Open(bytes.NewReader(data), "fuzz")
	if err != nil {
		t.Fatal(err)
	}
	var ev event.Event
	for range 1 << 20 {
		ev.Reset()
		err := dec.Next(&ev)
		if err == io.EOF {
			return events, recErrs
		}
		if err != nil {
			var re *decode.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("error that is not a RecordError: %v", err)
			}
			if re.Path != "fuzz" || re.Line <= 0 {
				t.Fatalf("record error without position: %+v", re)
			}
			recErrs = append(recErrs, err)
			continue
		}
		events++
	}
	t.Fatal("decoder did not reach the end")
	return
}

func FuzzTSV(f *testing.F) {
	addSeeds(f, "*.log")
	f.Add([]byte("#separator \\x09\n#fields\tts\tx\n#types\ttime\tset[count]\n1.5\t1,2,\\x2c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		drain(t, TSV, data)
	})
}

func FuzzJSON(f *testing.F) {
	addSeeds(f, "*.json")
	f.Add([]byte(`{"ts":1e3,"a":{"b":[1,{"c":null}]},"s":"\ud83d\ude00"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, errs := drain(t, JSON, data)
		// One line that encoding/json takes for a valid object must not be
		// refused as bad JSON by the scanner.
		line := bytes.TrimRight(data, "\r")
		if bytes.IndexByte(line, '\n') >= 0 || !json.Valid(line) {
			return
		}
		trimmed := bytes.TrimLeft(line, " \t\r")
		if len(trimmed) == 0 || trimmed[0] != '{' || bytes.Count(line, []byte("{"))+bytes.Count(line, []byte("[")) > maxDepth {
			return
		}
		for _, err := range errs {
			if strings.Contains(err.Error(), "bad JSON") {
				t.Fatalf("valid JSON refused: %v", err)
			}
		}
		if n+len(errs) != 1 {
			t.Fatalf("one line gave %d events and %d errors", n, len(errs))
		}
	})
}
