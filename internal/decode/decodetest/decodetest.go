// Package decodetest holds the checks that the tests of the network-source
// decoders share: decoding a fixture, comparing an event with what it must
// hold, draining fuzz input under the Decoder contract, and measuring
// events per second. It is imported by tests only.
package decodetest

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// Decode decodes data with f and returns the events and the record errors
// met on the way; any other error fails the test.
func Decode(t testing.TB, f decode.Format, data []byte, path string) ([]*event.Event, []*decode.RecordError) {
	t.Helper()
	dec, err := f.Open(bytes.NewReader(data), path)
	if err != nil {
		t.Fatal(err)
	}
	var evs []*event.Event
	var errs []*decode.RecordError
	for range 1 << 22 {
		ev := new(event.Event)
		err := dec.Next(ev)
		if err == io.EOF {
			return evs, errs
		}
		if err != nil {
			var re *decode.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("%s: fatal error %v", path, err)
			}
			errs = append(errs, re)
			continue
		}
		evs = append(evs, ev)
	}
	t.Fatalf("%s: decoder did not reach the end", path)
	return nil, nil
}

// File decodes testdata/name with f.
func File(t testing.TB, f decode.Format, name string) ([]*event.Event, []*decode.RecordError) {
	t.Helper()
	path := filepath.Join("testdata", name)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return Decode(t, f, data, path)
}

// Want is what one decoded event must hold. Normalised fields not listed
// must be unset; original fields are checked when listed in Raw, and the
// whole list of names, in order, when Names is set.
type Want struct {
	Index int
	Kind  string
	Time  string // RFC 3339, UTC
	Host  string
	Seq   int64
	Str   map[event.StrField]string
	Num   map[event.IntField]int64
	Raw   map[string]string
	Names []string
}

// Check compares ev with w.
func Check(t *testing.T, ev *event.Event, w Want) {
	t.Helper()
	if ev.Kind != w.Kind {
		t.Errorf("#%d: kind %q, want %q", w.Index, ev.Kind, w.Kind)
	}
	if w.Time != "" {
		if got := time.Unix(0, ev.Time).UTC().Format(time.RFC3339Nano); got != w.Time {
			t.Errorf("#%d: time %s, want %s", w.Index, got, w.Time)
		}
	}
	if ev.Host != w.Host {
		t.Errorf("#%d: host %q, want %q", w.Index, ev.Host, w.Host)
	}
	if w.Seq != 0 && ev.Seq != w.Seq {
		t.Errorf("#%d: seq %d, want %d", w.Index, ev.Seq, w.Seq)
	}
	for f := range event.NumStr {
		sf := event.StrField(f)
		if got, want := ev.Str(sf), w.Str[sf]; got != want {
			t.Errorf("#%d: %s = %q, want %q", w.Index, sf, got, want)
		}
	}
	for f := range event.NumInt {
		nf := event.IntField(f)
		got, set := ev.Int(nf)
		want, wantSet := w.Num[nf]
		if set != wantSet || got != want {
			t.Errorf("#%d: %s = %d (set %v), want %d (set %v)", w.Index, nf, got, set, want, wantSet)
		}
	}
	for name, want := range w.Raw {
		got, ok := ev.RawValue(name)
		if !ok || got != want {
			t.Errorf("#%d: raw %s = %q (present %v), want %q", w.Index, name, got, ok, want)
		}
	}
	if w.Names != nil {
		var names []string
		for _, f := range ev.Raw {
			names = append(names, f.Name)
		}
		if !slices.Equal(names, w.Names) {
			t.Errorf("#%d: raw names\n got %q\nwant %q", w.Index, names, w.Names)
		}
	}
}

// Drain decodes all of data with f as a fuzz target does: it fails on an
// error that is neither a RecordError with a position nor io.EOF, and on a
// decoder that does not end.
func Drain(t *testing.T, f decode.Format, data []byte) (events int) {
	f.Detect(data)
	dec, err := f.Open(bytes.NewReader(data), "fuzz")
	if err != nil {
		t.Fatal(err)
	}
	var ev event.Event
	for range 1 << 20 {
		ev.Reset()
		err := dec.Next(&ev)
		if err == io.EOF {
			return events
		}
		if err != nil {
			var re *decode.RecordError
			if !errors.As(err, &re) {
				t.Fatalf("error that is not a RecordError: %v", err)
			}
			if re.Path != "fuzz" || re.Line <= 0 {
				t.Fatalf("record error without position: %+v", re)
			}
			continue
		}
		events++
	}
	t.Fatal("decoder did not reach the end")
	return events
}

// Seeds adds every file of testdata matching pattern to the fuzz corpus.
func Seeds(f *testing.F, pattern string) {
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

// Bench decodes data with f once per iteration and reports events/s and
// ns/event; every record must decode.
func Bench(b *testing.B, f decode.Format, data []byte, want int) {
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	events := 0
	var ev event.Event
	for b.Loop() {
		dec, err := f.Open(bytes.NewReader(data), "bench")
		if err != nil {
			b.Fatal(err)
		}
		for {
			ev.Reset()
			err := dec.Next(&ev)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			events++
		}
	}
	if events != want*b.N {
		b.Fatalf("%d events, want %d", events, want*b.N)
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(events), "ns/event")
}
