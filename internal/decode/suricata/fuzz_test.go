package suricata

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode/decodetest"
)

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }

func FuzzEVE(f *testing.F) {
	decodetest.Seeds(f, "*.json")
	f.Add([]byte(`{"timestamp":"2025-11-20T10:00:00Z","event_type":"dns","dns":{"answers":[{"rdata":1},"x",[]],"grouped":{"A":[{"x":1}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n := decodetest.Drain(t, EVE, data)
		// A single object that encoding/json accepts, with a timestamp
		// and an event type, must decode.
		line := bytes.TrimSpace(data)
		if n > 0 || bytes.IndexByte(line, '\n') >= 0 || !json.Valid(line) || len(line) == 0 || line[0] != '{' {
			return
		}
		var m map[string]any
		if json.Unmarshal(line, &m) != nil || strings.Count(string(line), "{")+strings.Count(string(line), "[") > maxDepth {
			return
		}
		ts, ok := m["timestamp"].(string)
		et, _ := m["event_type"].(string)
		if !ok || et == "stats" {
			return
		}
		if _, ok := parseTime(ts); ok && !bytes.HasPrefix(data, bom) {
			t.Fatalf("valid EVE line gave no event: %q", data)
		}
	})
}
