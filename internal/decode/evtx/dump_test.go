package evtx

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
)

func TestDump(t *testing.T) {
	path := filepath.Join("testdata", "log-cleared.evtx")
	tests := []struct {
		format  string
		wantErr string
		check   func(t *testing.T, out string)
	}{
		{format: "json", check: func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 91 {
				t.Errorf("%d lines, want 91", len(lines))
			}
			var rec struct {
				System   map[string]string
				UserData map[string]string
			}
			if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
				t.Fatal(err)
			}
			if rec.System["EventID"] != "104" || rec.System["Channel"] != "System" || rec.UserData["Channel"] != "System" {
				t.Errorf("first record: %+v", rec)
			}
		}},
		{format: "xml", check: func(t *testing.T, out string) {
			if !strings.HasPrefix(out, "<?xml") || !strings.HasSuffix(out, "</Events>\n") {
				t.Errorf("not an XML document: %.100s", out)
			}
			if n := strings.Count(out, "\n<Event xmlns="); n != 91 {
				t.Errorf("%d events, want 91", n)
			}
			if !strings.Contains(out, "<LogFileCleared xmlns=\"http://manifests.microsoft.com/win/2004/08/windows/eventlog\">") {
				t.Error("UserData missing")
			}
		}},
		{format: "yaml", wantErr: "unknown format"},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			err := Dump(context.Background(), &buf, path, tc.format)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, buf.String())
		})
	}
	if err := Dump(context.Background(), &bytes.Buffer{}, "testdata/missing.evtx", "json"); err == nil {
		t.Error("no error for a missing file")
	}
}

func TestDumpDamage(t *testing.T) {
	c := chunksOf(t, fixtures[0])[0]
	bad := bytes.Clone(c)
	bad[0] = 'X'
	file := buildFile(3, c, bad, c)
	var reports []*decode.RecordError
	var buf bytes.Buffer
	st, err := DumpReaderAt(context.Background(), &buf, bytes.NewReader(file), int64(len(file)), "x.evtx",
		DumpOptions{Format: "json", Damage: func(e *decode.RecordError) { reports = append(reports, e) }})
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 182 || st.Damaged != 1 || len(reports) != 1 || reports[0].Offset != fileHeaderSize+chunkSize {
		t.Errorf("stats %+v, reports %v", st, reports)
	}
	// Without a callback the reports come back in the error, after the
	// records were written.
	buf.Reset()
	_, err = DumpReaderAt(context.Background(), &buf, bytes.NewReader(file), int64(len(file)), "x.evtx", DumpOptions{Format: "xml"})
	if err == nil || !strings.Contains(err.Error(), "x.evtx@69632: chunk 1: bad chunk signature") {
		t.Errorf("error %v", err)
	}
	if strings.Count(buf.String(), "<Event ") != 182 {
		t.Error("records not written")
	}
	// A cancelled context stops the dump.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := DumpReaderAt(ctx, &buf, bytes.NewReader(file), int64(len(file)), "x.evtx", DumpOptions{}); err == nil {
		t.Error("no error after cancel")
	}
}
