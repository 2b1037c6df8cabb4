package evtx

import (
	"bytes"
	"io"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// TestTemplatesCompiledOncePerChunk checks that records sharing a template
// share its compiled form.
func TestTemplatesCompiledOncePerChunk(t *testing.T) {
	tests := []struct {
		fixture      string
		maxTemplates int
	}{
		{"kerberos-bruteforce.evtx", 8},
		{"log-cleared.evtx", 8},
		{"plain-binxml.evtx", 0}, // records without templates
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			w := newWorker()
			c := chunksOf(t, tc.fixture)[0]
			if !w.c.load(c, true) {
				t.Fatal("not a chunk")
			}
			n := 0
			for _, r := range w.c.recs {
				w.fields.reset()
				if err := w.c.render(r, &w.fields); err != nil {
					t.Fatal(err)
				}
				n++
			}
			if len(w.c.tmpls) > tc.maxTemplates || n < 3 {
				t.Errorf("%d records compiled %d templates, want at most %d", n, len(w.c.tmpls), tc.maxTemplates)
			}
		})
	}
}

// TestEventMapping checks the fields and event values for known records.
func TestEventMapping(t *testing.T) {
	tests := []struct {
		fixture string
		index   int
		time    string
		seq     int64
		fields  string // leading fields, name=value joined by |
		kind    string
	}{
		{
			fixture: "log-cleared.evtx", index: 1, time: "2021-10-25T18:09:51.875657Z", seq: 109054,
			fields: "Provider_Name=Microsoft-Windows-Eventlog|Provider_Guid={fc65ddd8-d6ef-4962-83d5-6e5cfe9ce148}|EventID=1102|Version=0|Level=4|Task=104|Opcode=0|Keywords=0x4020000000000000|TimeCreated=2021-10-25T18:09:51.8756570Z|EventRecordID=109054|Execution_ProcessID=712|Execution_ThreadID=748|Channel=Security|Computer=FS03.offsec.lan|SubjectUserSid=S-1-5-21-4230534742-2542757381-3142984815-1111|SubjectUserName=admmig|SubjectDomainName=OFFSEC|SubjectLogonId=0x123550",
			kind:   "security",
		},
		{
			fixture: "plain-binxml.evtx", index: 0, time: "2021-06-03T19:39:52.8931155Z", seq: 1974770,
			fields: "Provider_Name=Microsoft-Windows-Security-Auditing|Provider_Guid={54849625-5478-4994-A5BA-3E3B0328C30D}|EventID=4950|Version=0|Level=0|Task=13571|Opcode=0|Keywords=0x8020000000000000|TimeCreated=2021-06-03T19:39:52.893115500Z|EventRecordID=1974770|Correlation_ActivityID={38068009-512D-0000-1D80-06382D51D701}|Execution_ProcessID=556|Execution_ThreadID=2532|Channel=Security|Computer=fs01.offsec.lan|ProfileChanged=Domain|SettingType=Enable Windows Firewall|SettingValue=Yes",
			kind:   "security",
		},
	}
	for _, tc := range tests {
		t.Run(tc.fixture, func(t *testing.T) {
			file := buildFile(1, chunksOf(t, tc.fixture)...)
			d, err := NewDecoder(bytes.NewReader(file), int64(len(file)), tc.fixture, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var ev event.Event
			for i := 0; i <= tc.index; i++ {
				ev.Reset()
				if err := d.Next(&ev); err != nil {
					t.Fatal(err)
				}
			}
			var got []string
			for _, f := range ev.Raw {
				got = append(got, f.Name+"="+f.Value)
			}
			if g := strings.Join(got, "|"); g != tc.fields {
				t.Errorf("fields\n got %s\nwant %s", g, tc.fields)
			}
			if g := time.Unix(0, ev.Time).UTC().Format(time.RFC3339Nano); g != tc.time {
				t.Errorf("time %s, want %s", g, tc.time)
			}
			if ev.Seq != tc.seq {
				t.Errorf("seq %d, want %d", ev.Seq, tc.seq)
			}
			if ev.Kind != tc.kind || ev.Host == "" {
				t.Errorf("kind %q host %q: normaliser not applied", ev.Kind, ev.Host)
			}
		})
	}
}

// TestCloseStopsWorkers checks that abandoning a parallel decoder early
// leaves no goroutines behind once it is closed.
func TestCloseStopsWorkers(t *testing.T) {
	var chunks [][]byte
	for range 20 {
		chunks = append(chunks, chunksOf(t, fixtures[1])...)
	}
	file := buildFile(len(chunks), chunks...)
	before := runtime.NumGoroutine()
	d, err := NewDecoder(bytes.NewReader(file), int64(len(file)), "x", Options{Workers: 4})
	if err != nil {
		t.Fatal(err)
	}
	var ev event.Event
	if err := d.Next(&ev); err != nil {
		t.Fatal(err)
	}
	d.Close()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines left running", n-before)
	}
	// Reading to the end also ends them, without Close.
	d, _ = NewDecoder(bytes.NewReader(file), int64(len(file)), "x", Options{Workers: 4})
	for d.Next(&ev) != io.EOF {
	}
	deadline = time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("after EOF: %d goroutines left running", n-before)
	}
}
