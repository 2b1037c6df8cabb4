package duckdb

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
)

func openTest(t *testing.T) (*Store, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(context.Background(), dir, Options{MemoryLimit: "256MB", Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, dir
}

func connEvent(seq int64, src, dst string, dport int64, t0 time.Time) *event.Event {
	ev := &event.Event{Time: t0.Add(time.Duration(seq) * time.Second).UnixNano(), Kind: "zeek.conn", Host: "sensor1", Seq: seq}
	ev.SetStr(event.SourceIP, src)
	ev.SetStr(event.DestinationIP, dst)
	ev.SetInt(event.DestinationPort, dport)
	ev.SetStr(event.NetworkTransport, "TCP")
	ev.SetStr(event.ConnState, "S"+strconv.FormatInt(seq%2, 10))
	ev.SetInt(event.SourcePackets, seq)
	ev.AddRaw("uid", "C"+src)
	ev.AddRaw("id.orig_h", src)
	ev.AddRaw("note", "quote \" back\\slash \x01 日本語")
	if seq%2 == 0 {
		// A second layout, with awkward names.
		ev.AddRaw(`we"ird, [name]`, "v"+strconv.FormatInt(seq, 10))
	}
	return ev
}

func TestAppendCommitRollbackSearch(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	id, err := s.BeginImport(ctx, store.Import{Path: "a.log", Size: 10, SHA256: "h1", Format: "zeek-tsv"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := s.Appender(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2026, 11, 1, 0, 0, 0, 123, time.UTC)
	for i, ip := range []string{"10.0.0.5", "10.0.1.7", "2001:db8::1", "192.168.3.4"} {
		if err := app.Append(connEvent(int64(i+1), ip, "203.0.113.9", 445, t0)); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	// A second batch that is abandoned must leave nothing behind.
	if err := app.Append(connEvent(99, "10.9.9.9", "203.0.113.9", 445, t0)); err != nil {
		t.Fatal(err)
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishImport(ctx, store.Import{ID: id, Events: 4, Batches: 1}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		q    store.Query
		want []int64
	}{
		{"all", store.Query{}, []int64{1, 2, 3, 4}},
		{"cidr v4", store.Query{Conds: []store.Cond{{Field: "source.ip", Op: store.OpCIDR, Value: "10.0.0.0/16"}}}, []int64{1, 2}},
		{"cidr v6", store.Query{Conds: []store.Cond{{Field: "source.ip", Op: store.OpCIDR, Value: "2001:db8::/32"}}}, []int64{3}},
		{"cidr mapped", store.Query{Conds: []store.Cond{{Field: "source_ip", Op: store.OpCIDR, Value: "::ffff:192.168.0.0/112"}}}, []int64{4}},
		{"eq lower field", store.Query{Conds: []store.Cond{{Field: "network.transport", Op: store.OpEq, Value: "tcp"}}}, []int64{1, 2, 3, 4}},
		{"eq int", store.Query{Conds: []store.Cond{{Field: "destination.port", Op: store.OpEq, Value: "445"}}}, []int64{1, 2, 3, 4}},
		{"raw field", store.Query{Conds: []store.Cond{{Field: "uid", Op: store.OpEq, Value: "C10.0.1.7"}}}, []int64{2}},
		{"raw field in one layout", store.Query{Conds: []store.Cond{{Field: "note", Op: store.OpContains, Value: "日本"}}}, []int64{1, 2, 3, 4}},
		{"contains", store.Query{Conds: []store.Cond{{Field: "uid", Op: store.OpContains, Value: "c2001"}}}, []int64{3}},
		{"time range", store.Query{From: t0.Add(2 * time.Second).UnixNano(), To: t0.Add(4 * time.Second).UnixNano()}, []int64{2, 3}},
		{"limit desc", store.Query{Limit: 2, Desc: true}, []int64{4, 3}},
		{"either ip", store.Query{Conds: []store.Cond{{Field: "ip", Op: store.OpCIDR, Value: "203.0.113.0/24"}, {Field: "ip", Op: store.OpEq, Value: "10.0.1.7"}}}, []int64{2}},
		{"cold text field", store.Query{Conds: []store.Cond{{Field: "network.connection.state", Op: store.OpEq, Value: "S1"}}}, []int64{1, 3}},
		{"cold int field", store.Query{Conds: []store.Cond{{Field: "source.packets", Op: store.OpGt, Value: "2"}}}, []int64{3, 4}},
		{"kind", store.Query{Kinds: []string{"zeek.dns"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int64
			err := s.Search(ctx, tc.q, func(ev *event.Event) error {
				got = append(got, ev.Seq)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}

	// Round trip of one event, raw fields in order and escapes intact.
	var back *event.Event
	err = s.Search(ctx, store.Query{Conds: []store.Cond{{Field: "seq", Op: store.OpEq, Value: "1"}}}, func(ev *event.Event) error {
		c := *ev
		c.Raw = append([]event.Field(nil), ev.Raw...)
		back = &c
		return nil
	})
	if err != nil || back == nil {
		t.Fatalf("round trip: %v", err)
	}
	want := connEvent(1, "10.0.0.5", "203.0.113.9", 445, t0)
	if back.Time != want.Time || back.Str(event.SourceIP) != "10.0.0.5" || back.Str(event.NetworkTransport) != "tcp" || back.Host != "sensor1" ||
		back.Str(event.ConnState) != "S1" {
		t.Fatalf("round trip mismatch: %+v", back)
	}
	if n, ok := back.Int(event.SourcePackets); !ok || n != 1 {
		t.Fatalf("cold int field lost: %d %v", n, ok)
	}
	if len(back.Raw) != len(want.Raw) {
		t.Fatalf("raw: got %v want %v", back.Raw, want.Raw)
	}
	for i := range want.Raw {
		if back.Raw[i] != want.Raw[i] {
			t.Fatalf("raw[%d]: got %q want %q", i, back.Raw[i], want.Raw[i])
		}
	}

	imp, err := s.FindImport(ctx, "h1")
	if err != nil || imp.Events != 4 || imp.Status != store.ImportComplete {
		t.Fatalf("FindImport = %+v, %v", imp, err)
	}
	if _, err := s.FindImport(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("FindImport missing = %v", err)
	}
	stats, err := s.Stats(ctx, store.Query{})
	if err != nil || len(stats) != 1 || stats[0].Events != 4 || stats[0].Kind != "zeek.conn" {
		t.Fatalf("Stats = %+v, %v", stats, err)
	}
}

func TestUnfinishedImportIsReplaced(t *testing.T) {
	ctx := context.Background()
	s, dir := openTest(t)
	id, err := s.BeginImport(ctx, store.Import{Path: "a.log", SHA256: "h2", Format: "x"})
	if err != nil {
		t.Fatal(err)
	}
	app, _ := s.Appender(ctx, id)
	t0 := time.Now()
	for i := range 3 {
		_ = app.Append(connEvent(int64(i), "10.0.0.1", "10.0.0.2", 80, t0))
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	_ = app.Close()
	// Reopen without finishing: the import stays "running".
	_ = s.Close()
	s2, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if _, err := s2.FindImport(ctx, "h2"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unfinished import found as complete: %v", err)
	}
	if _, err := s2.BeginImport(ctx, store.Import{Path: "a.log", SHA256: "h2", Format: "x"}); err != nil {
		t.Fatal(err)
	}
	n := 0
	_ = s2.Search(ctx, store.Query{}, func(*event.Event) error { n++; return nil })
	if n != 0 {
		t.Fatalf("events of the unfinished import remain: %d", n)
	}
	imps, _ := s2.Imports(ctx)
	if len(imps) != 1 || imps[0].ID != 2 {
		t.Fatalf("imports = %+v", imps)
	}
}

func TestAppendRawJSON(t *testing.T) {
	tests := []struct {
		raw  []event.Field
		want string
	}{
		{nil, `{}`},
		{[]event.Field{{Name: "a", Value: "b"}}, `{"a":"b"}`},
		{[]event.Field{{Name: "q\"", Value: "x\\y\n\t\x01"}}, `{"q\"":"x\\y\n\t\u0001"}`},
		{[]event.Field{{Name: "k", Value: "日本\xff"}}, `{"k":"日本\ufffd"}`},
	}
	for _, tc := range tests {
		if got := string(AppendRawJSON(nil, tc.raw)); got != tc.want {
			t.Errorf("AppendRawJSON(%v) = %s, want %s", tc.raw, got, tc.want)
		}
	}
}

// TestLayouts checks that original fields survive every storage form: the
// value array of a registered layout, and the JSON object used once the
// registry is full, and that a search by native name sees both.
func TestLayouts(t *testing.T) {
	ctx := context.Background()
	s, dir := openTest(t)
	s.layouts.max = 2
	id, _ := s.BeginImport(ctx, store.Import{Path: "x", SHA256: "layouts", Format: "x"})
	app, err := s.Appender(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	shapes := [][]event.Field{
		{{Name: "a", Value: "1"}, {Name: "uid", Value: "U1"}},
		{{Name: `we"ird, [name]`, Value: "x"}, {Name: "uid", Value: "U2"}, {Name: "a", Value: "2"}},
		{{Name: "uid", Value: "U3"}, {Name: "z", Value: "日本"}}, // past the limit: kept as an object
		{{Name: "a", Value: "4"}, {Name: "uid", Value: "U4"}},
		{{Name: "dup", Value: "1"}, {Name: "dup", Value: "2"}, {Name: "uid", Value: "U5"}}, // object, duplicates kept
	}
	for i, raw := range shapes {
		ev := &event.Event{Time: int64(i+1) * 1e9, Kind: "k", Seq: int64(i + 1), Raw: raw}
		if err := app.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	_ = app.Close()
	_ = s.FinishImport(ctx, store.Import{ID: id})
	_ = s.Close()

	// Reopen: the layouts come back from the table.
	s2, err := Open(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var got [][]event.Field
	err = s2.Search(ctx, store.Query{}, func(ev *event.Event) error {
		got = append(got, append([]event.Field(nil), ev.Raw...))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(shapes) {
		t.Fatalf("got %d events", len(got))
	}
	for i := range shapes {
		if len(got[i]) != len(shapes[i]) {
			t.Fatalf("event %d: %v, want %v", i+1, got[i], shapes[i])
		}
		for j := range shapes[i] {
			if got[i][j] != shapes[i][j] {
				t.Fatalf("event %d field %d: %v, want %v", i+1, j, got[i][j], shapes[i][j])
			}
		}
	}
	for _, tc := range []struct {
		field, value string
		want         int64
	}{{"uid", "U2", 2}, {"uid", "U3", 3}, {"uid", "U4", 4}, {"z", "日本", 3}, {"a", "2", 2}} {
		var seqs []int64
		_ = s2.Search(ctx, store.Query{Conds: []store.Cond{{Field: tc.field, Op: store.OpEq, Value: tc.value}}}, func(ev *event.Event) error {
			seqs = append(seqs, ev.Seq)
			return nil
		})
		if len(seqs) != 1 || seqs[0] != tc.want {
			t.Errorf("%s=%s found %v, want [%d]", tc.field, tc.value, seqs, tc.want)
		}
	}
}
