package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/store"
	"github.com/firebreak-ir/firebreak/internal/store/duckdb"
)

// cli runs the command in-process and returns its exit code and output.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := func(string) string { return "" }
	code := run(context.Background(), args, &out, &errb, env)
	return code, out.String(), errb.String()
}

func sampleDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs("../../testdata/sample/zeek")
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestUsageAndHelp(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		contains string
	}{
		{nil, exitUsage, "Commands:"},
		{[]string{"--help"}, exitOK, "Commands:"},
		{[]string{"nope"}, exitUsage, `unknown command "nope"`},
		{[]string{"ingest", "--help"}, exitOK, "Examples:"},
		{[]string{"search", "--help"}, exitOK, "field~text"},
		{[]string{"stats", "-h"}, exitOK, "Examples:"},
		{[]string{"imports", "--help"}, exitOK, "Examples:"},
		{[]string{"help", "search"}, exitOK, "Examples:"},
		{[]string{"ingest"}, exitUsage, "no files"},
		{[]string{"search", "--bogus"}, exitUsage, "flag provided but not defined"},
	}
	for _, tc := range tests {
		code, out, errs := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(out+errs, tc.contains) {
			t.Errorf("%v: code %d, want %d; output lacks %q:\n%s%s", tc.args, code, tc.code, tc.contains, out, errs)
		}
	}
}

func TestIngestSearchStats(t *testing.T) {
	data := filepath.Join(t.TempDir(), "case")
	code, _, errs := cli(t, "ingest", "--data", data, sampleDir(t))
	if code != exitOK || !strings.Contains(errs, "imported 6669 events from 4 files") {
		t.Fatalf("ingest: code %d\n%s", code, errs)
	}
	// Quiet flag: nothing on success.
	code, out, errs := cli(t, "ingest", "-q", "--data", data, sampleDir(t))
	if code != exitOK || out != "" || errs != "" {
		t.Fatalf("quiet re-ingest: code %d %q %q", code, out, errs)
	}
	code, out, _ = cli(t, "ingest", "--json", "--data", data, sampleDir(t))
	var sum struct {
		Events int64 `json:"events"`
		Files  []struct {
			Skipped string `json:"skipped"`
		} `json:"files"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil || code != exitOK || sum.Events != 0 || len(sum.Files) != 4 || !strings.HasPrefix(sum.Files[0].Skipped, "already imported") {
		t.Fatalf("json re-ingest: %d %v %+v", code, err, sum)
	}

	// The C2 address: the DNS answer, the HTTP download and the beacons.
	code, out, _ = cli(t, "search", "--data", data, "ip=203.0.113.66", "--limit", "0")
	if code != exitOK {
		t.Fatalf("search: %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 400 || !strings.Contains(out, "url=http://update-check.example-cdn.net/dl/invoice_2025-11.bin") {
		t.Fatalf("search ip= found %d lines:\n%s", len(lines), out[:min(len(out), 2000)])
	}
	// Either end, CIDR, other conditions, time window and JSON output.
	code, out, _ = cli(t, "search", "--data", data, "--json", "--kind", "zeek.dns", "dns.question.name~EXAMPLE-CDN")
	var ev map[string]any
	if code != exitOK || strings.Count(out, "\n") != 1 || json.Unmarshal([]byte(out), &ev) != nil {
		t.Fatalf("json search: %d\n%s", code, out)
	}
	if ev["source.ip"] != "10.20.1.37" || ev["kind"] != "zeek.dns" || ev["original"].(map[string]any)["query"] != "update-check.example-cdn.net" {
		t.Fatalf("json event: %v", ev)
	}
	code, out, _ = cli(t, "search", "--data", data, "--csv", "--kind", "zeek.conn", "source.bytes>10000000", "--fields", "source.ip,destination.ip,source.bytes,uid")
	recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if code != exitOK || err != nil || len(recs) != 2 || recs[1][3] != "10.20.1.37" || recs[1][4] != "203.0.113.66" || recs[1][5] != "50331648" || recs[1][6] == "" {
		t.Fatalf("csv search: %d %v %q", code, err, recs)
	}
	code, out, _ = cli(t, "search", "--data", data, "source.ip=10.20.1.0/24", "destination.port=80", "--from", "2025-11-20T12:59", "--to", "2025-11-20T13:00", "--tz", "Asia/Tokyo")
	if code != exitOK || strings.Count(out, "\n") != 2 || strings.Count(out, "2025-11-20T12:59:30.000+09:00") != 2 {
		t.Fatalf("window search in JST: %d\n%s", code, out)
	}
	code, _, errs = cli(t, "search", "--data", data, "nonsense")
	if code != exitUsage || !strings.Contains(errs, "bad condition") {
		t.Fatalf("bad condition: %d %s", code, errs)
	}
	code, _, errs = cli(t, "search", "--data", data, "--from", "yesterday")
	if code != exitUsage || !strings.Contains(errs, "unrecognised time") {
		t.Fatalf("bad time: %d %s", code, errs)
	}

	code, out, _ = cli(t, "stats", "--data", data)
	if code != exitOK || !strings.Contains(out, "zeek.conn") || !strings.Contains(out, "6669") {
		t.Fatalf("stats: %d\n%s", code, out)
	}
	code, out, _ = cli(t, "imports", "--data", data, "--json")
	if code != exitOK || strings.Count(out, `"status":"complete"`) != 4 {
		t.Fatalf("imports: %d\n%s", code, out)
	}
}

func TestIngestProblems(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "case")
	code, _, errs := cli(t, "ingest", "--data", data, filepath.Join(dir, "missing.log"))
	if code != exitError || !strings.Contains(errs, "missing.log") {
		t.Fatalf("missing file: %d %s", code, errs)
	}
	unknown := filepath.Join(dir, "notes.txt")
	_ = os.WriteFile(unknown, []byte("just some notes\n"), 0o644)
	code, _, errs = cli(t, "ingest", "--data", data, unknown)
	if code != exitPartial || !strings.Contains(errs, "format not recognised") {
		t.Fatalf("unknown format: %d %s", code, errs)
	}
	// A Zeek JSON log with a terminal escape sequence, Japanese text and
	// one malformed line.
	log := filepath.Join(dir, "http.log")
	_ = os.WriteFile(log, []byte(
		`{"_path":"http","ts":1763600000.5,"uid":"Cx1","id.orig_h":"10.0.0.5","id.orig_p":50000,"id.resp_h":"198.51.100.7","id.resp_p":80,"method":"GET","host":"例え.jp","uri":"/\u001b[2J\u001b]0;pwned\u0007/請求書.zip","user_agent":"Mozilla"}`+"\n"+
			`{"_path":"http","ts":1763600001.5,"uid":"Cx2",`+"\n"+
			`{"_path":"http","ts":1763600002.5,"uid":"Cx3","id.orig_h":"10.0.0.6","id.orig_p":50001,"id.resp_h":"198.51.100.7","id.resp_p":80,"method":"GET","host":"example.jp","uri":"/","user_agent":"curl"}`+"\n"), 0o644)
	code, _, errs = cli(t, "ingest", "--data", data, log)
	if code != exitOK || !strings.Contains(errs, "1 records rejected") || !strings.Contains(errs, "http.log:2:") {
		t.Fatalf("ingest with a bad line: %d\n%s", code, errs)
	}
	code, out, _ := cli(t, "search", "--data", data, "uid=Cx1")
	if code != exitOK || strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\x1b[2J`) || !strings.Contains(out, "請求書.zip") || !strings.Contains(out, "例え.jp") {
		t.Fatalf("terminal safety / Japanese text: %q", out)
	}
}

func TestParseCondAndWhen(t *testing.T) {
	conds := []struct {
		in    string
		field string
		op    store.Op
		value string
	}{
		{"source.ip=10.0.0.0/8", "source.ip", store.OpCIDR, "10.0.0.0/8"},
		{"ip=2001:db8::/32", "ip", store.OpCIDR, "2001:db8::/32"},
		{"url.full=http://x/a/b", "url.full", store.OpEq, "http://x/a/b"},
		{"user.name!=admin", "user.name", store.OpNe, "admin"},
		{"CommandLine~-enc", "CommandLine", store.OpContains, "-enc"},
		{"source.bytes>1000", "source.bytes", store.OpGt, "1000"},
		{"destination.port<1024", "destination.port", store.OpLt, "1024"},
		{"query=a=b", "query", store.OpEq, "a=b"},
	}
	for _, tc := range conds {
		c, err := parseCond(tc.in)
		if err != nil || c.Field != tc.field || c.Op != tc.op || c.Value != tc.value {
			t.Errorf("parseCond(%q) = %+v, %v", tc.in, c, err)
		}
	}
	for _, bad := range []string{"", "=x", "field"} {
		if _, err := parseCond(bad); err == nil {
			t.Errorf("parseCond(%q) accepted", bad)
		}
	}
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	jst, _ := time.LoadLocation("Asia/Tokyo")
	whens := []struct {
		in   string
		want time.Time
	}{
		{"-24h", now.Add(-24 * time.Hour)},
		{"-7d", now.Add(-7 * 24 * time.Hour)},
		{"2026-11-20", time.Date(2026, 11, 19, 15, 0, 0, 0, time.UTC)},
		{"2026-11-20T13:00", time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)},
		{"2026-11-20T13:00:00Z", time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC)},
	}
	for _, tc := range whens {
		got, err := parseWhen(tc.in, now, jst)
		if err != nil || !got.Equal(tc.want) {
			t.Errorf("parseWhen(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestSafe(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"日本語のテキスト", "日本語のテキスト"},
		{"a\x1b[31mred", `a\x1b[31mred`},
		{"bell\x07", `bell\x07`},
		{"bad\xffutf8", `bad\xffutf8`},
		{"rtl\u202eoverride", `rtl\u202eoverride`},
		{"tab\tnewline\n", `tab\x09newline\x0a`},
	}
	for _, tc := range tests {
		if got := safe(tc.in); got != tc.want {
			t.Errorf("safe(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestLiveIndicatorMatching imports an indicator, then ingests: the hits are
// recorded while the logs arrive, each pointing at its stored event.
func TestLiveIndicatorMatching(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "case")
	list := filepath.Join(dir, "iocs.txt")
	_ = os.WriteFile(list, []byte("update-check[.]example-cdn[.]net\n"), 0o644)
	if code, _, errs := cli(t, "ioc", "import", "--data", data, list); code != exitOK {
		t.Fatalf("ioc import: %d %s", code, errs)
	}
	code, out, _ := cli(t, "ingest", "--json", "--data", data, sampleDir(t))
	var sum struct {
		Hits int64 `json:"indicator_hits"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &sum) != nil || sum.Hits == 0 {
		t.Fatalf("ingest: %d %s", code, out)
	}
	st, err := duckdb.Open(context.Background(), data, duckdb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var n, orphans int64
	if err := st.DB().QueryRow(`SELECT count(*), count(*) FILTER (WHERE e.seq IS NULL) FROM detections d
		LEFT JOIN events e ON e.import_id = d.import_id AND e.seq = d.seq`).Scan(&n, &orphans); err != nil {
		t.Fatal(err)
	}
	if n != sum.Hits || orphans != 0 {
		t.Fatalf("detections %d (summary %d), %d not pointing at a stored event", n, sum.Hits, orphans)
	}
	_ = st.Close()
	code, out, _ = cli(t, "detections", "--data", data)
	if code != exitOK || !strings.Contains(out, "domain update-check.example-cdn.net  10.20.1.37") {
		t.Fatalf("detections: %d\n%s", code, out)
	}
	code, out, _ = cli(t, "detections", "--data", data, "--events", "--json", "--limit", "3")
	if code != exitOK || strings.Count(out, "\n") != 3 || !strings.Contains(out, `"seq":`) {
		t.Fatalf("detections --events --json: %d\n%s", code, out)
	}
}

// TestIngestZoneAndCSVMap checks that --tz reads zone-less syslog times in
// the given zone and that --csv-map maps the columns of an export.
func TestIngestZoneAndCSVMap(t *testing.T) {
	dir := t.TempDir()
	data := filepath.Join(dir, "case")
	fw := filepath.Join(dir, "fw.log")
	_ = os.WriteFile(fw, []byte("<4>Nov 20 13:00:00 fw1 kernel: [12345.678] DROP IN=eth0 OUT= MAC=00:11:22:33:44:55:66:77:88:99:aa:bb:08:00 SRC=10.1.2.3 DST=198.51.100.77 LEN=60 TOS=0x00 PREC=0x00 TTL=63 ID=1 DF PROTO=TCP SPT=51515 DPT=443 WINDOW=64240 RES=0x00 SYN URGP=0\n"), 0o644)
	flows := filepath.Join(dir, "flows.csv")
	_ = os.WriteFile(flows, []byte("When,From,To,Port\n2026-11-20 13:05:00,10.9.9.9,198.51.100.77,8443\n"), 0o644)
	code, _, errs := cli(t, "ingest", "--data", data, "--tz", "Asia/Tokyo", "--csv-map", "@timestamp=When,source.ip=From,destination.ip=To,destination.port=Port", fw, flows)
	if code != exitOK {
		t.Fatalf("ingest: %d\n%s", code, errs)
	}
	code, out, _ := cli(t, "search", "--data", data, "--json", "destination.ip=198.51.100.77")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != exitOK || len(lines) != 2 {
		t.Fatalf("search: %d\n%s", code, out)
	}
	var first, second map[string]any
	_ = json.Unmarshal([]byte(lines[0]), &first)
	_ = json.Unmarshal([]byte(lines[1]), &second)
	if !strings.HasSuffix(first["@timestamp"].(string), "-11-20T04:00:00Z") || first["source.ip"] != "10.1.2.3" {
		t.Errorf("syslog event read in the wrong zone: %v", first)
	}
	if second["@timestamp"] != "2026-11-20T04:05:00Z" || second["source.ip"] != "10.9.9.9" || second["destination.port"] != float64(8443) {
		t.Errorf("mapped CSV event: %v", second)
	}
	if code, _, errs := cli(t, "ingest", "--data", data, "--tz", "Mars/Olympus", fw); code != exitUsage || !strings.Contains(errs, "--tz") {
		t.Errorf("bad zone: %d %s", code, errs)
	}
}

// TestReadCommandsNeedData checks that a mistyped --data is reported, not
// turned into an empty investigation that finds nothing.
func TestReadCommandsNeedData(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "typo")
	for _, args := range [][]string{
		{"search", "ip=1.2.3.4"}, {"stats"}, {"imports"}, {"detections"}, {"ioc", "list"},
	} {
		code, _, errs := cli(t, append(args, "--data", missing)...)
		if code == exitOK || !strings.Contains(errs, "no investigation data") {
			t.Errorf("%v: code %d, %q", args, code, errs)
		}
	}
	if code, _, errs := cli(t, "sweep", "--data", missing); code != 2 || !strings.Contains(errs, "no investigation data") {
		t.Errorf("sweep: code %d, %q", code, errs)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("a read command created %s", missing)
	}
}
