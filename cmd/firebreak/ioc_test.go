package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

func testApp() (*app, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, getenv: func(string) string { return "" }}
	return a, &out, &errb
}

// seedStore writes a few Zeek-like events, one host talking to a C2.
func seedStore(t *testing.T, dir string) {
	t.Helper()
	ctx := context.Background()
	st, err := duckdb.Open(ctx, dir, duckdb.Options{MemoryLimit: "256MB", Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	id, err := st.BeginImport(ctx, store.Import{Path: "conn.log", SHA256: "x", Format: "zeek-tsv"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := st.Appender(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	t0 := time.Date(2025, 11, 20, 4, 0, 0, 0, time.UTC)
	for i, dst := range []string{"203.0.113.66", "198.51.100.7", "203.0.113.66", "192.0.2.1"} {
		ev := &event.Event{Time: t0.Add(time.Duration(i) * time.Minute).UnixNano(), Kind: "zeek.conn", Seq: int64(i + 9)}
		ev.SetStr(event.SourceIP, "10.20.1.37")
		ev.SetStr(event.DestinationIP, dst)
		if err := app.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	ev := &event.Event{Time: t0.UnixNano(), Kind: "zeek.dns", Seq: 20}
	ev.SetStr(event.SourceIP, "10.20.1.40")
	ev.SetStr(event.DNSQuestionName, "x.update-check.example-cdn.net")
	if err := app.Append(ev); err != nil {
		t.Fatal(err)
	}
	if err := app.Commit(); err != nil {
		t.Fatal(err)
	}
	_ = app.Close()
	if err := st.FinishImport(ctx, store.Import{ID: id, Events: 5}); err != nil {
		t.Fatal(err)
	}
}

func TestIOCExtractCommand(t *testing.T) {
	notice := filepath.Join("..", "..", "internal", "ioc", "testdata", "notice-iso2022jp.eml")
	a, out, errb := testApp()
	if code := runIOC(context.Background(), a, []string{"extract", notice}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	for _, want := range []string{"【TLP:AMBER】貴組織ホストの不審な通信について", "update-check.example-cdn.net", "203.0.113.66",
		"defanged: 203[.]0[.]113[.]66", "FLAG: documentation range", "2025-11-20T13:00:00+09:00", "marked TLP:AMBER"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	a, out, _ = testApp()
	if code := runIOC(context.Background(), a, []string{"extract", "--json", notice}); code != exitOK {
		t.Fatalf("exit %d", code)
	}
	var doc struct {
		Subject    string `json:"subject"`
		Indicators []struct {
			Type, Value string
			Line        int
		} `json:"indicators"`
		Times []struct{ Time time.Time } `json:"times"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Indicators) != 3 || len(doc.Times) != 1 || doc.Subject == "" {
		t.Errorf("json = %+v", doc)
	}
}

func TestIOCImportListExport(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "iocs.txt")
	if err := os.WriteFile(list, []byte("203[.]0[.]113[.]66\n10.0.0.1\nevil.example-bad.org\ngoogle.com\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	red := filepath.Join(dir, "red.txt")
	if err := os.WriteFile(red, []byte("secret-c2.example-bad.org\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	ctx := context.Background()
	a, out, errb := testApp()
	if code := runIOC(ctx, a, []string{"import", "--data", data, "--tlp", "green", list}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	if !strings.Contains(out.String(), "2 indicators stored (2 new, 0 updated), 2 refused") || !strings.Contains(out.String(), "refused      ipv4     10.0.0.1: private range") {
		t.Errorf("import output:\n%s", out)
	}
	a, _, errb = testApp()
	if code := runIOC(ctx, a, []string{"import", "--data", data, "--tlp", "red", red}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb)
	}
	a, out, _ = testApp()
	if code := runIOC(ctx, a, []string{"list", "--data", data}); code != exitOK || !strings.Contains(out.String(), "3 indicators") {
		t.Errorf("list: %d\n%s", code, out)
	}
	a, out, errb = testApp()
	if code := runIOC(ctx, a, []string{"export", "--data", data}); code != exitOK {
		t.Fatalf("export exit %d", code)
	}
	if strings.Contains(out.String(), "secret-c2") || !strings.Contains(errb.String(), "1 TLP:RED indicators left out") {
		t.Errorf("TLP:RED left the system:\n%s\n%s", out, errb)
	}
	a, out, _ = testApp()
	if code := runIOC(ctx, a, []string{"export", "--data", data, "--format", "stix", "--include-red"}); code != exitOK || !strings.Contains(out.String(), "secret-c2") ||
		!strings.Contains(out.String(), "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1") {
		t.Errorf("export --include-red: %d\n%s", code, out)
	}
}

func TestSweepCommand(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	seedStore(t, data)
	iocs := filepath.Join(dir, "iocs.txt")
	if err := os.WriteFile(iocs, []byte("203.0.113.66\nupdate-check[.]example-cdn[.]net\n8.8.8.8\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	none := filepath.Join(dir, "none.txt")
	if err := os.WriteFile(none, []byte("45.99.99.99\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"hits table", []string{"--data", data, "--ioc", iocs}, sweepHits,
			[]string{"ipv4 203.0.113.66  1 hosts, 2 events", "10.20.1.37", "10.20.1.40", "not swept: ipv4     8.8.8.8: public DNS resolver", "import 1 seq 9 destination.ip=203.0.113.66"}},
		{"hits csv", []string{"--data", data, "--ioc", iocs, "--csv"}, sweepHits,
			[]string{"indicator,type,tlp,verdict,host", "203.0.113.66,ipv4,,flag,10.20.1.37,2025-11-20T04:00:00Z,2025-11-20T04:02:00Z,2,zeek.conn,destination.ip"}},
		{"window excludes", []string{"--data", data, "--ioc", iocs, "--since", "2025-11-21"}, sweepClean, []string{"0 found"}},
		{"no hits", []string{"--data", data, "--ioc", none}, sweepClean, []string{"Swept 1 indicators", "0 found"}},
		{"bad flag", []string{"--data", data, "--nope"}, sweepError, nil},
		{"missing file", []string{"--data", data, "--ioc", filepath.Join(dir, "missing")}, sweepError, nil},
		{"nothing stored", []string{"--data", data}, sweepError, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a, out, errb := testApp()
			code := runSweep(ctx, a, tc.args)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s%s", code, tc.code, out, errb)
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	a, out, _ := testApp()
	if code := runSweep(ctx, a, []string{"--data", data, "--ioc", iocs, "--json"}); code != sweepHits {
		t.Fatalf("json exit %d", code)
	}
	var res struct {
		Indicators []struct {
			Indicator struct{ Value string }
			Events    int64
			Hosts     []struct{ Host string }
		}
		Hosts []struct {
			Host       string
			Indicators []struct{ Value string }
		}
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Indicators) != 2 || len(res.Hosts) != 2 {
		t.Errorf("json: %+v", res)
	}
}
