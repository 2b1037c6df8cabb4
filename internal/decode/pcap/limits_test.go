package pcap

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// drain decodes data with cfg, returning the events and record errors; any
// other error or a panic fails the test.
func drain(t testing.TB, data []byte, path string, cfg config) ([]*event.Event, []*decode.RecordError) {
	t.Helper()
	dec, err := newDecoder(bytes.NewReader(data), path, cfg)
	if err != nil {
		// Only a file cut inside its headers fails to open.
		if len(data) >= 128 {
			t.Fatalf("open: %v", err)
		}
		return nil, nil
	}
	var evs []*event.Event
	var errs []*decode.RecordError
	for range 1 << 20 {
		ev := new(event.Event)
		err := dec.Next(ev)
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
	t.Fatal("decoder did not end")
	return nil, nil
}

func TestTruncated(t *testing.T) {
	for _, ng := range []bool{false, true} {
		f := buildFixture(t, ng)
		full, _ := drain(t, f.data, "full", defaultConfig())
		// Every cut: no panic, at most one error, and it names the file,
		// and the packets before the cut still make records.
		for n := 30; n < len(f.data); n++ {
			evs, errs := drain(t, f.data[:n], "cut.pcap", defaultConfig())
			if len(errs) > 1 {
				t.Fatalf("cut at %d: %d errors", n, len(errs))
			}
			if len(errs) == 1 {
				re := errs[0]
				if re.Path != "cut.pcap" || !strings.Contains(re.Reason, "after packet") || (!ng && re.Offset < 24) {
					t.Fatalf("cut at %d: error %+v", n, re)
				}
			}
			if len(evs) > len(full) {
				t.Fatalf("cut at %d: %d records, more than the whole file's %d", n, len(evs), len(full))
			}
		}
		// Cut in the middle of the last packet's data: the error is a
		// truncation after the packets before it, all of which count.
		cut := f.data[:len(f.data)-3]
		if ng {
			cut = f.data[:len(f.data)-40]
		}
		evs, errs := drain(t, cut, "cut.pcap", defaultConfig())
		if len(errs) != 1 || !strings.Contains(errs[0].Reason, "truncated") {
			t.Fatalf("ng=%v: errors %v", ng, errs)
		}
		if len(evs) != len(full) {
			t.Errorf("ng=%v: %d records from the cut file, want %d", ng, len(evs), len(full))
		}
		if !ng && !strings.HasPrefix(errs[0].Error(), "cut.pcap@") {
			t.Errorf("error %q has no offset", errs[0])
		}
	}
	// Not a capture at all.
	if _, err := Format.Open(bytes.NewReader([]byte("\xa1\xb2\xc3\xd4")), "x"); err == nil {
		t.Error("a 4-byte file opened")
	}
}

func TestIdleTimeoutAndCap(t *testing.T) {
	c := newCapture(t, false)
	// Three UDP sessions, each followed by silence beyond the UDP timeout,
	// then a TCP session that stays open.
	for i := range 3 {
		c.udp("10.0.0.1", uint16(1000+i), "10.0.0.2", 9999, []byte("ping"))
		c.now = c.now.Add(2 * time.Minute)
	}
	v := c.conv("10.0.0.1", 2000, "10.0.0.3", 80)
	v.handshake()
	v.pkt(true, "PA", []byte(httpReq))
	data := c.bytes()

	evs, errs := drain(t, data, "idle", defaultConfig())
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	// The UDP sessions end before the HTTP record is read, in order.
	var order []string
	for _, ev := range evs {
		p, _ := ev.Int(event.SourcePort)
		order = append(order, ev.Kind+":"+itoa(p))
	}
	if got := strings.Join(order, " "); got != "pcap.conn:1000 pcap.conn:1001 pcap.conn:1002 pcap.http:2000 pcap.conn:2000" {
		t.Errorf("order %s", got)
	}

	// A cap of two sessions: the oldest ends first, nothing is lost.
	c = newCapture(t, false)
	var convs []*conv
	for i := range 5 {
		v := c.conv("10.0.0.1", uint16(3000+i), "10.0.0.4", 443)
		v.pkt(true, "S", nil)
		convs = append(convs, v)
	}
	for _, v := range convs {
		v.pkt(false, "SA", nil)
	}
	cfg := defaultConfig()
	cfg.maxSessions = 2
	evs, _ = drain(t, c.bytes(), "cap", cfg)
	if len(evs) != 10 {
		t.Fatalf("%d records, want 10 (5 sessions split by the cap)", len(evs))
	}
	for _, ev := range evs {
		if st := ev.Str(event.ConnState); st != "S0" && st != "SHR" && st != "OTH" {
			t.Errorf("state %s", st)
		}
	}
}

func TestDetect(t *testing.T) {
	for _, ng := range []bool{false, true} {
		if !Detect(buildFixture(t, ng).data[:64]) {
			t.Errorf("ng=%v: not detected", ng)
		}
	}
	for _, s := range []string{"", "\xa1\xb2", "#fields\tts", "\x0a\x0d\x0d\x0a\x1c\x00\x00\x00\x00\x00\x00\x00", "\xd4\xc3\xb2\xa1\x09\x00"} {
		if Detect([]byte(s)) {
			t.Errorf("%q detected", s)
		}
	}
}
