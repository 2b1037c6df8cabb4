package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// decodeAll decodes data and returns the events and the record errors.
func decodeAll(t testing.TB, data []byte, path string) ([]event.Event, []*decode.RecordError) {
	t.Helper()
	d := NewDecoder(bytes.NewReader(data), path)
	var evs []event.Event
	var errs []*decode.RecordError
	for {
		var ev event.Event
		err := d.Next(&ev)
		if err == io.EOF {
			return evs, errs
		}
		var re *decode.RecordError
		if errors.As(err, &re) {
			errs = append(errs, re)
			continue
		}
		if err != nil {
			t.Fatalf("fatal error: %v", err)
		}
		evs = append(evs, ev)
	}
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fields returns every normalised field that is set, by ECS name.
func fields(ev *event.Event) map[string]string {
	m := map[string]string{}
	for f := range event.NumStr {
		if v := ev.Str(event.StrField(f)); v != "" {
			m[event.StrField(f).String()] = v
		}
	}
	for f := range event.NumInt {
		if v, ok := ev.Int(event.IntField(f)); ok {
			m[event.IntField(f).String()] = strconv.FormatInt(v, 10)
		}
	}
	return m
}

func names(ev *event.Event) []string {
	var n []string
	for _, f := range ev.Raw {
		n = append(n, f.Name)
	}
	return n
}

type want struct {
	seq   int64
	kind  string
	host  string
	time  string            // RFC 3339, "" for no time
	names []string          // the leading original-field names, in order
	raw   map[string]string // original fields (first of the name)
	norm  map[string]string // normalised fields that must be set
	exact bool              // norm lists every normalised field set
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []want
	}{
		{"winlogbeat.jsonl", []want{
			{
				seq: 1, kind: "sysmon", host: "WS01.corp.example", time: "2024-03-01T10:20:30.123Z",
				names: []string{"Provider_Name", "Provider_Guid", "EventID", "Version", "Level", "Task", "Opcode",
					"TimeCreated", "EventRecordID", "Execution_ProcessID", "Execution_ThreadID", "Channel", "Computer",
					"Security_UserID", "RuleName", "UtcTime", "ProcessGuid", "ProcessId", "Image", "FileVersion"},
				raw: map[string]string{
					"EventID": "1", "Level": "4", "TimeCreated": "2024-03-01T10:20:30.1230000Z", "Version": "5",
					"Execution_ProcessID": "3100", "Security_UserID": "S-1-5-18",
					"Image":       `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
					"CommandLine": "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=",
					"Product":     "Microsoft® Windows® Operating System", "ParentUser": `CORP\alice`,
				},
				norm: map[string]string{
					"event.code": "1", "event.action": "process_create", "event.provider": "Microsoft-Windows-Sysmon",
					"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "winlog.record_id": "125634",
					"rule.name":                   "technique_id=T1059.001,technique_name=PowerShell",
					"process.executable":          `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
					"process.command_line":        "powershell.exe -nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAKQA=",
					"process.parent.executable":   `C:\Windows\explorer.exe`,
					"process.parent.command_line": `C:\Windows\Explorer.EXE`,
					"process.pid":                 "6012", "process.parent.pid": "4410",
					"user.name": "alice", "user.domain": "CORP",
					"file.hash.md5":    "04029e121a0cfa5991749937dd22a1d9",
					"file.hash.sha1":   "f43d9bb316e30ae1a3494ac5b0624f6bea1bf054",
					"file.hash.sha256": "9f914d42706fe215501044acd85a32d58aaef1419d404fddfa5d3b48f66ccd9f",
					"message":          "Process Create:\nRuleName: technique_id=T1059.001\nImage: C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe",
				},
				exact: true,
			},
			{
				seq: 2, kind: "security", host: "WS01.corp.example", time: "2024-03-01T10:21:00.5Z",
				names: []string{"Provider_Name", "Provider_Guid", "EventID", "Level", "Task", "Opcode", "Keywords",
					"TimeCreated", "EventRecordID", "Execution_ProcessID", "Execution_ThreadID", "Channel", "Computer",
					"SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId", "NewProcessId"},
				raw: map[string]string{"EventID": "4688", "Keywords": `["Audit Success"]`, "EventRecordID": "998877",
					"TargetUserName": "-", "MandatoryLabel": "S-1-16-8192"},
				norm: map[string]string{
					"event.code": "4688", "event.action": "process_create", "event.outcome": "success",
					"event.provider": "Microsoft-Windows-Security-Auditing", "winlog.channel": "Security",
					"winlog.record_id": "998877", "user.name": "alice", "user.domain": "CORP",
					"process.executable":        `C:\Windows\System32\cmd.exe`,
					"process.command_line":      "cmd.exe /c whoami /all",
					"process.parent.executable": `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
					"process.pid":               "6700", "process.parent.pid": "4340",
					"message": "A new process has been created.",
				},
				exact: true,
			},
			{
				seq: 3, kind: "security", host: "DC01.corp.example", time: "2024-03-01T10:22:00Z",
				names: []string{"Provider_Name", "EventID", "Task", "Opcode", "Keywords", "TimeCreated",
					"EventRecordID", "Channel", "Computer", "SubjectUserSid"},
				raw: map[string]string{"LogonType": "3", "IpAddress": "10.0.0.7", "LogonProcessName": "NtLmSsp "},
				norm: map[string]string{
					"event.code": "4624", "event.action": "logon", "event.outcome": "success",
					"event.provider": "Microsoft-Windows-Security-Auditing", "winlog.channel": "Security",
					"winlog.record_id": "5511", "user.name": "alice", "user.domain": "CORP",
					"source.ip": "10.0.0.7", "source.port": "50132", "source.hostname": "WS07",
				},
				exact: true,
			},
		}},
		{"evtx_json.jsonl", []want{
			{
				seq: 1, kind: "sysmon", host: "WS01.corp.example", time: "2024-03-01T10:23:45.678901Z",
				names: []string{"Provider_Name", "Provider_Guid", "EventID", "Version", "Level", "Task", "Opcode",
					"Keywords", "TimeCreated", "EventRecordID", "Execution_ProcessID", "Execution_ThreadID",
					"Channel", "Computer", "Security_UserID", "RuleName", "UtcTime", "ProcessGuid", "ProcessId",
					"Image", "User", "Protocol", "Initiated"},
				raw: map[string]string{"EventID": "3", "Initiated": "true", "DestinationPort": "443", "RuleName": "-",
					"Execution_ProcessID": "3100", "Security_UserID": "S-1-5-18"},
				norm: map[string]string{
					"event.code": "3", "event.action": "network_connection", "event.provider": "Microsoft-Windows-Sysmon",
					"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "winlog.record_id": "125700",
					"process.executable": `C:\Users\alice\AppData\Local\Temp\update.exe`, "process.pid": "7420",
					"user.name": "alice", "user.domain": "CORP", "network.transport": "tcp", "network.direction": "egress",
					"source.ip": "10.0.0.5", "source.port": "49812", "source.hostname": "WS01.corp.example",
					"destination.ip": "203.0.113.7", "destination.port": "443", "destination.domain": "cdn.example.net",
				},
				exact: true,
			},
			{
				seq: 2, kind: "system", host: "WS01.corp.example", time: "2024-03-01T10:25:00Z",
				names: []string{"Provider_Name", "Provider_Guid", "EventSourceName", "EventID", "Qualifiers",
					"Version", "Level", "Task", "Opcode", "Keywords", "TimeCreated", "EventRecordID",
					"Execution_ProcessID", "Execution_ThreadID", "Channel", "Computer", "Security_UserID",
					"ServiceName", "ImagePath", "ServiceType", "StartType", "AccountName"},
				raw: map[string]string{"Qualifiers": "16384", "EventID": "7045"},
				norm: map[string]string{"event.code": "7045", "event.action": "service_install",
					"service.name": "PSEXESVC", "process.executable": `%SystemRoot%\PSEXESVC.exe`},
			},
			{
				seq: 3, kind: "security", host: "DC01.corp.example", time: "2024-03-01T10:26:00.25Z",
				names: []string{"Provider_Name", "Provider_Guid", "EventID", "Version", "Level", "Task", "Opcode",
					"Keywords", "TimeCreated", "EventRecordID", "Correlation_ActivityID", "Execution_ProcessID",
					"Execution_ThreadID", "Channel", "Computer", "SubjectUserSid", "SubjectUserName",
					"TargetUserName", "TargetDomainName", "Status", "LogonType", "WorkstationName", "IpAddress",
					"IpPort", "TransmittedServices"},
				raw: map[string]string{"TransmittedServices": "", "TimeCreated": "2024-03-01T10:26:00.2500000Z"},
				norm: map[string]string{"event.code": "4625", "event.action": "logon_failed", "event.outcome": "failure",
					"user.name": "administrator", "user.domain": "CORP", "source.ip": "198.51.100.23",
					"source.hostname": "KALI"},
			},
			{
				seq: 4, kind: "security", host: "DC01.corp.example", time: "2024-03-01T10:27:00Z",
				names: []string{"Provider_Name", "Provider_Guid", "EventID", "Version", "Level", "Task", "Opcode",
					"Keywords", "TimeCreated", "EventRecordID", "Channel", "Computer",
					"SubjectUserSid", "SubjectUserName", "SubjectDomainName", "SubjectLogonId"},
				norm: map[string]string{"event.code": "1102", "event.action": "log_cleared",
					"user.name": "mallory", "user.domain": "CORP"},
			},
			{
				seq: 5, kind: "powershell", host: "WS01.corp.example", time: "2024-03-01T10:28:00Z",
				names: []string{"Provider_Name", "EventID", "Qualifiers", "Level", "Task", "Keywords",
					"TimeCreated", "EventRecordID", "Channel", "Computer", "Data", "Data", "Data", "Binary"},
				raw: map[string]string{"Data": "Available", "Binary": ""},
				norm: map[string]string{"event.code": "400", "event.action": "engine_start",
					"process.command_line": "powershell.exe -nop -enc SQBFAFgA"},
			},
		}},
		{"ecs.jsonl", []want{
			{
				seq: 1, kind: "zeek.conn", host: "sensor01", time: "2024-03-01T10:30:00Z",
				names: []string{"@timestamp", "event.dataset", "event.module", "source.ip", "source.port",
					"destination.ip", "destination.port", "network.transport", "network.community_id",
					"host.name", "tags", "labels"},
				raw: map[string]string{"tags": `["a","b"]`, "labels": "{}", "source.port": "49812"},
				norm: map[string]string{"source.ip": "10.0.0.5", "source.port": "49812",
					"destination.ip": "203.0.113.7", "destination.port": "443",
					"network.transport": "tcp", "network.community_id": "1:abc="},
				exact: true,
			},
			{
				seq: 2, kind: "jsonl", time: "2024-03-01T10:30:00.123Z",
				names: []string{"ts", "url.full", "url.domain", "http.request.method", "http.response.status_code",
					"user.name", "user_agent.original", "note", "ok", "ratio"},
				raw: map[string]string{"note": "", "ok": "true", "ratio": "0.5"},
				norm: map[string]string{"url.full": "http://evil.example.com/x.php?id=1", "url.domain": "evil.example.com",
					"http.request.method": "GET", "http.response.status_code": "200", "user.name": "alice",
					"user_agent.original": "curl/8.0"},
				exact: true,
			},
			{
				seq: 3, kind: "jsonl", time: "2024-03-01T10:31:40.25Z",
				names: []string{"time", "timestamp", "process.command_line", "process.pid", "dns.question.name", "message"},
				norm: map[string]string{"process.command_line": "bash -c id", "process.pid": "4242",
					"dns.question.name": "wpad.corp.example", "message": "hello"},
				exact: true,
			},
			{
				seq: 4, kind: "custom", host: "box1", time: "2024-03-01T00:00:00Z",
				names: []string{"date", "event.module", "nested.deep.x", "hostname"},
				raw:   map[string]string{"nested.deep.x": `[{"k":"v\"q"},1,null]`},
				norm:  map[string]string{},
				exact: true,
			},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			evs, errs := decodeAll(t, readFixture(t, tc.file), tc.file)
			if len(errs) > 0 {
				t.Fatalf("record errors: %v", errs)
			}
			if len(evs) != len(tc.want) {
				t.Fatalf("%d events, want %d", len(evs), len(tc.want))
			}
			for i, w := range tc.want {
				ev := &evs[i]
				t.Run(strconv.Itoa(i+1), func(t *testing.T) {
					checkEvent(t, ev, w)
				})
			}
		})
	}
}

func checkEvent(t *testing.T, ev *event.Event, w want) {
	t.Helper()
	if ev.Seq != w.seq {
		t.Errorf("Seq = %d, want %d", ev.Seq, w.seq)
	}
	if ev.Kind != w.kind {
		t.Errorf("Kind = %q, want %q", ev.Kind, w.kind)
	}
	if ev.Host != w.host {
		t.Errorf("Host = %q, want %q", ev.Host, w.host)
	}
	var wantTime int64
	if w.time != "" {
		tm, err := time.Parse(time.RFC3339Nano, w.time)
		if err != nil {
			t.Fatal(err)
		}
		wantTime = tm.UnixNano()
	}
	if ev.Time != wantTime {
		t.Errorf("Time = %s, want %s", time.Unix(0, ev.Time).UTC().Format(time.RFC3339Nano), w.time)
	}
	got := names(ev)
	if len(got) < len(w.names) || !slices.Equal(got[:len(w.names)], w.names) {
		t.Errorf("raw names:\n got %q\nwant %q…", got, w.names)
	}
	for k, v := range w.raw {
		if g, ok := ev.RawValue(k); !ok || g != v {
			t.Errorf("raw %s = %q (present %v), want %q", k, g, ok, v)
		}
	}
	norm := fields(ev)
	for k, v := range w.norm {
		if norm[k] != v {
			t.Errorf("%s = %q, want %q", k, norm[k], v)
		}
	}
	if w.exact {
		for k, v := range norm {
			if _, ok := w.norm[k]; !ok {
				t.Errorf("unexpected %s = %q", k, v)
			}
		}
	}
}

func TestMalformed(t *testing.T) {
	evs, errs := decodeAll(t, readFixture(t, "malformed.jsonl"), "testdata/malformed.jsonl")
	var seqs []int64
	for _, ev := range evs {
		seqs = append(seqs, ev.Seq)
	}
	if want := []int64{1, 5, 8, 11}; !slices.Equal(seqs, want) {
		t.Errorf("decoded lines %v, want %v", seqs, want)
	}
	var lines []int64
	for _, e := range errs {
		lines = append(lines, e.Line)
		if e.Path != "testdata/malformed.jsonl" {
			t.Errorf("error path %q", e.Path)
		}
		if !strings.HasPrefix(e.Error(), "testdata/malformed.jsonl:"+strconv.FormatInt(e.Line, 10)+": invalid JSON line: ") {
			t.Errorf("error text %q", e.Error())
		}
	}
	if want := []int64{2, 4, 6, 9, 10}; !slices.Equal(lines, want) {
		t.Errorf("error lines %v, want %v", lines, want)
	}
	// Attacker text in the reason is quoted: no raw quotes or control bytes.
	if r := errs[0].Reason; !strings.Contains(r, `near "{\x22a\x22: 1,"`) {
		t.Errorf("reason %q", r)
	}
	// A Windows document in a generic file is still a Windows event.
	last := evs[len(evs)-1]
	if last.Kind != "security" || last.Str(event.UserName) != "bob" || last.Str(event.EventAction) != "logon" {
		t.Errorf("mixed Windows line: kind %q user %q action %q", last.Kind, last.Str(event.UserName), last.Str(event.EventAction))
	}
	if v, _ := evs[1].RawValue("b"); v != "\x01" {
		t.Errorf("escaped control character = %q", v)
	}
}

func TestLongLineAndBOM(t *testing.T) {
	var b bytes.Buffer
	b.WriteString("\ufeff{\"a\":\"x\"}\r\n")
	b.WriteString(`{"big":"`)
	b.WriteString(strings.Repeat("A", decode.MaxLine+10))
	b.WriteString("\"}\n")
	b.WriteString(`{"a":"y"}`) // no final newline
	evs, errs := decodeAll(t, b.Bytes(), "long.jsonl")
	if len(evs) != 2 || len(errs) != 1 {
		t.Fatalf("%d events, %d errors; want 2, 1", len(evs), len(errs))
	}
	if evs[0].Raw[0] != (event.Field{Name: "a", Value: "x"}) || evs[1].Seq != 3 || errs[0].Line != 2 {
		t.Errorf("got %+v, %+v, %v", evs[0].Raw, evs[1], errs[0])
	}
}

func TestDetect(t *testing.T) {
	long := `{"winlog":{"event_id":1,"event_data":{"CommandLine":"` + strings.Repeat("x", decode.HeadSize)
	tests := []struct {
		name             string
		head             string
		windows, generic bool
	}{
		{"winlogbeat", string(readFixture(t, "winlogbeat.jsonl")), true, true},
		{"evtx json", string(readFixture(t, "evtx_json.jsonl")), true, true},
		{"ecs", string(readFixture(t, "ecs.jsonl")), false, true},
		{"bom and blank lines", "\ufeff\n  \n{\"Event\":{\"System\":{\"EventID\":4624}}}\n", true, true},
		{"flat System at top level", `{"System":{"Provider":{"@Name":"x"}},"EventData":{}}`, true, true},
		{"winlog without ids", `{"winlog":{"foo":1}}`, false, true},
		{"first line cut by head", long[:decode.HeadSize], true, true},
		{"array", "[1,2]\n", false, false},
		{"pretty printed", "{\n  \"a\": 1\n}\n", false, false},
		{"zeek tsv", "#separator \\x09\n#fields\tts\tuid\n", false, false},
		{"csv", "a,b,c\n1,2,3\n", false, false},
		{"empty", "", false, false},
		{"broken first line", "{\"a\":\n", false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			head := []byte(tc.head)
			if len(head) > decode.HeadSize {
				head = head[:decode.HeadSize]
			}
			if got := Windows.Detect(head); got != tc.windows {
				t.Errorf("Windows.Detect = %v, want %v", got, tc.windows)
			}
			if got := Generic.Detect(head); got != tc.generic {
				t.Errorf("Generic.Detect = %v, want %v", got, tc.generic)
			}
		})
	}
}

func TestParseTimeValue(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // RFC 3339, "" for no time
	}{
		{"2024-03-01T10:20:30Z", "2024-03-01T10:20:30Z"},
		{"2024-03-01T19:20:30.5+09:00", "2024-03-01T10:20:30.5Z"},
		{"2024-03-01 10:20:30", "2024-03-01T10:20:30Z"},
		{"2024-03-01", "2024-03-01T00:00:00Z"},
		{"1709288430", "2024-03-01T10:20:30Z"},
		{"1709288430.123456", "2024-03-01T10:20:30.123456Z"},
		{"1709288430123", "2024-03-01T10:20:30.123Z"},
		{"1709288430123456", "2024-03-01T10:20:30.123456Z"},
		{"1709288430123456789", "2024-03-01T10:20:30.123456789Z"},
		{"2024", ""},
		{"12.", ""},
		{"99999999999999999999", ""},
		{"yesterday", ""},
		{"", ""},
	} {
		got, ok := parseTimeValue(tc.in)
		var w int64
		if tc.want != "" {
			tm, _ := time.Parse(time.RFC3339Nano, tc.want)
			w = tm.UnixNano()
		}
		if ok != (tc.want != "") || got != w {
			t.Errorf("parseTimeValue(%q) = %d, %v; want %s", tc.in, got, ok, tc.want)
		}
	}
}

// tokens lists a JSON text as encoding/json's Decoder sees it.
func tokens(data []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var out []string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch v := tok.(type) {
		case json.Delim:
			out = append(out, v.String())
		case string:
			out = append(out, "s:"+v)
		case json.Number:
			out = append(out, "n:"+v.String())
		case bool:
			out = append(out, "b:"+strconv.FormatBool(v))
		case nil:
			out = append(out, "null")
		}
	}
}

// ourTokens lists the parsed tree the same way.
func ourTokens(p *parser, idx int32, out []string) []string {
	n := p.nodes[idx]
	switch n.kind {
	case kObj, kArr:
		open, close := "[", "]"
		if n.kind == kObj {
			open, close = "{", "}"
		}
		out = append(out, open)
		for c := n.first; c >= 0; c = p.nodes[c].next {
			if n.kind == kObj {
				out = append(out, "s:"+string(p.bytes(p.nodes[c].key)))
			}
			out = ourTokens(p, c, out)
		}
		return append(out, close)
	case kStr:
		return append(out, "s:"+string(p.bytes(n.val)))
	case kNum:
		return append(out, "n:"+string(p.bytes(n.val)))
	case kTrue, kFalse:
		return append(out, "b:"+string(p.bytes(n.val)))
	}
	return append(out, "null")
}

// checkParser compares the parser with encoding/json on one line.
func checkParser(t *testing.T, line []byte) {
	var p parser
	ok := p.parse(line)
	if !ok && strings.HasPrefix(p.err, "nested deeper") {
		return
	}
	trimmed := bytes.TrimLeft(line, " \t\r\n")
	valid := json.Valid(line) && len(trimmed) > 0 && trimmed[0] == '{'
	if ok != valid {
		t.Fatalf("parse %q: ok=%v (%s), encoding/json valid object=%v", line, ok, p.err, valid)
	}
	if !ok {
		return
	}
	want, err := tokens(line)
	if err != nil {
		t.Fatalf("encoding/json tokens: %v", err)
	}
	if got := ourTokens(&p, 0, nil); !slices.Equal(got, want) {
		t.Fatalf("parse %q:\n got %q\nwant %q", line, got, want)
	}
	// Compact JSON of the root must be valid and mean the same.
	compact := p.appendJSON(nil, 0)
	again, err := tokens(compact)
	if err != nil || !slices.Equal(again, want) {
		t.Fatalf("compact %q of %q: %v", compact, line, err)
	}
}

func TestParserAgainstEncodingJSON(t *testing.T) {
	for _, s := range []string{
		`{}`, ` { "a" : [ 1 , -0.5e+3 , true , false , null , "x" , { } , [ ] ] } `,
		`{"a":"\u00e9\ud83d\ude00\ud800\u0041\udc00x\"\\\/\b\f\n\r\t"}`,
		"{\"bad utf8\":\"\xff\xfe\xc3\"}", `{"a":01}`, `{"a":1.}`, `{"a":-}`, `{"a":1e}`,
		`{"a":"\x"}`, `{"a":"\u12"}`, `{"a" 1}`, `{"a":1,}`, `{,}`, `{"a":[1,]}`, `{"a":nul}`,
		`{"a":1}{"b":2}`, `"x"`, `{"a":"` + "\t" + `"}`, `{"k":"\ud83d\u0041"}`,
	} {
		checkParser(t, []byte(s))
	}
	for _, f := range []string{"winlogbeat.jsonl", "evtx_json.jsonl", "ecs.jsonl", "malformed.jsonl"} {
		for _, line := range bytes.Split(readFixture(t, f), []byte("\n")) {
			if len(bytes.TrimSpace(line)) > 0 {
				checkParser(t, line)
			}
		}
	}
}

func TestDeepNesting(t *testing.T) {
	line := strings.Repeat(`{"a":`, 10000) + "1" + strings.Repeat("}", 10000)
	_, errs := decodeAll(t, []byte(line+"\n{\"ok\":1}\n"), "deep.jsonl")
	if len(errs) != 1 || !strings.Contains(errs[0].Reason, "nested deeper") {
		t.Fatalf("errors %v", errs)
	}
}

func FuzzJSONL(f *testing.F) {
	for _, name := range []string{"winlogbeat.jsonl", "evtx_json.jsonl", "ecs.jsonl", "malformed.jsonl"} {
		data := readFixture(f, name)
		f.Add(data)
		for _, line := range bytes.Split(data, []byte("\n")) {
			f.Add(line)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d := NewDecoder(bytes.NewReader(data), "fuzz")
		for range 10000 {
			var ev event.Event
			err := d.Next(&ev)
			if err == io.EOF {
				break
			}
			if err != nil && !decode.IsRecordError(err) {
				t.Fatalf("error is neither a RecordError nor EOF: %v", err)
			}
		}
		if !bytes.ContainsAny(data, "\n") {
			checkParser(t, data)
		}
	})
}

// benchLines repeats the lines of a fixture to about n lines.
func benchLines(b *testing.B, name string, n int) ([]byte, int) {
	lines := bytes.SplitAfter(bytes.TrimRight(readFixture(b, name), "\n"), []byte("\n"))
	var buf bytes.Buffer
	count := 0
	for count < n {
		for _, l := range lines {
			buf.Write(bytes.TrimRight(l, "\n"))
			buf.WriteByte('\n')
			count++
		}
	}
	return buf.Bytes(), count
}

func benchDecode(b *testing.B, name string) {
	data, n := benchLines(b, name, 3000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var ev event.Event
	for b.Loop() {
		d := NewDecoder(bytes.NewReader(data), name)
		got := 0
		for {
			ev.Reset()
			if err := d.Next(&ev); err != nil {
				if err != io.EOF {
					b.Fatal(err)
				}
				break
			}
			got++
		}
		if got != n {
			b.Fatalf("%d events, want %d", got, n)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

func BenchmarkWinlogbeat(b *testing.B) { benchDecode(b, "winlogbeat.jsonl") }

func BenchmarkEVTXJSON(b *testing.B) { benchDecode(b, "evtx_json.jsonl") }

func BenchmarkGeneric(b *testing.B) { benchDecode(b, "ecs.jsonl") }
