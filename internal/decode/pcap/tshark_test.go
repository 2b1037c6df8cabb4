package pcap

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/event"
	"github.com/gopacket/gopacket/layers"
)

// convSummary is one conversation as tshark's conv tables show it: packets
// and frame bytes from the originator (A) and from the responder (B).
type convSummary struct {
	aPkts, bPkts   int64
	aBytes, bBytes int64
	aUnit, bUnit   string // tshark's unit: bytes, kB, MB
}

// mixedCapture writes n random conversations with distinct addresses:
// TCP (complete, rejected, unanswered, reset, IPv6) and UDP (DNS, two-way,
// one-way). It returns the payload bytes each way per conversation.
func mixedCapture(tb testing.TB, ng bool, n int) ([]byte, map[string][2]int64) {
	r := rand.New(rand.NewPCG(7, uint64(n)))
	c := newCapture(tb, ng)
	payload := map[string][2]int64{}
	for i := range n {
		client := fmt.Sprintf("10.%d.%d.%d", 1+i/65536, i/256%256, i%256)
		server := fmt.Sprintf("198.51.100.%d", 1+r.IntN(200))
		if i%7 == 6 {
			client, server = fmt.Sprintf("2001:db8::%x", i+1), fmt.Sprintf("2001:db8:ff::%x", 1+r.IntN(200))
		}
		cp := uint16(20000 + i)
		data := func() []byte { return make([]byte, r.IntN(1400)) }
		switch k := r.IntN(8); k {
		case 0, 1, 2:
			v := c.conv(client, cp, server, 443)
			v.handshake()
			for range 1 + r.IntN(4) {
				v.pkt(true, "PA", data())
				v.pkt(false, "PA", data())
			}
			v.close()
			payload[convKey(client, cp, server, 443)] = v.bytes
		case 3:
			v := c.conv(client, cp, server, 8080)
			v.pkt(true, "S", nil)
			v.pkt(false, "RA", nil)
			payload[convKey(client, cp, server, 8080)] = v.bytes
		case 4:
			v := c.conv(client, cp, server, 445)
			v.pkt(true, "S", nil)
			payload[convKey(client, cp, server, 445)] = v.bytes
		case 5:
			v := c.conv(client, cp, server, 80)
			v.handshake()
			v.pkt(true, "PA", []byte(httpReq))
			v.pkt(false, "RA", nil)
			payload[convKey(client, cp, server, 80)] = v.bytes
		case 6:
			q := dnsMsg(tb, uint16(i), fmt.Sprintf("h%d.example.com", i), layers.DNSTypeA, 0)
			a := dnsMsg(tb, uint16(i), fmt.Sprintf("h%d.example.com", i), layers.DNSTypeA, 0, "192.0.2.1")
			c.udp(client, cp, server, 53, q)
			c.udp(server, 53, client, cp, a)
			payload[convKey(client, cp, server, 53)] = [2]int64{int64(len(q)), int64(len(a))}
		case 7:
			var b [2]int64
			for range 1 + r.IntN(3) {
				d := data()
				c.udp(client, cp, server, 5000, d)
				b[0] += int64(len(d))
			}
			if r.IntN(2) == 0 {
				d := data()
				c.udp(server, 5000, client, cp, d)
				b[1] += int64(len(d))
			}
			payload[convKey(client, cp, server, 5000)] = b
		}
	}
	return c.bytes(), payload
}

func convKey(a string, ap uint16, b string, bp uint16) string {
	return fmt.Sprintf("%s|%d|%s|%d", a, ap, b, bp)
}

var convLine = regexp.MustCompile(`^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+([\d,]+)\s+([\d,]+)\s+(bytes|kB|MB)\s+([\d,]+)\s+([\d,]+)\s+(bytes|kB|MB)\s`)

// tsharkConvs runs tshark -q -z conv,tcp -z conv,udp on path.
func tsharkConvs(t *testing.T, path string) map[string]convSummary {
	out, err := exec.Command("tshark", "-n", "-r", path, "-q", "-z", "conv,tcp", "-z", "conv,udp").Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	num := func(s string) int64 {
		n, err := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	convs := map[string]convSummary{}
	for _, l := range strings.Split(string(out), "\n") {
		m := convLine.FindStringSubmatch(l)
		if m == nil {
			continue
		}
		// Columns: "<-" is B to A, "->" is A to B.
		ap, _ := strconv.Atoi(m[2])
		bp, _ := strconv.Atoi(m[4])
		convs[convKey(m[1], uint16(ap), m[3], uint16(bp))] = convSummary{
			bPkts: num(m[5]), bBytes: num(m[6]), bUnit: m[7],
			aPkts: num(m[8]), aBytes: num(m[9]), aUnit: m[10],
		}
	}
	return convs
}

// sameBytes compares our exact frame byte count with tshark's, which it
// rounds down to kB or MB for large values.
func sameBytes(ours, theirs int64, unit string) bool {
	switch unit {
	case "kB":
		return ours/1000 == theirs
	case "MB":
		return ours/1000000 == theirs
	}
	return ours == theirs
}

// TestTsharkConversations checks the session summary against tshark's
// conversation tables for the same capture: per conversation, the
// addresses and ports, packets each way (exactly) and bytes each way. tshark
// counts frame bytes (the captured frame's original length), so the
// comparison uses the decoder's orig_frame_bytes and resp_frame_bytes,
// which sum the same lengths; the payload bytes of source.bytes and
// destination.bytes (Zeek's orig_bytes/resp_bytes) are checked against what
// the generator wrote.
func TestTsharkConversations(t *testing.T) {
	if _, err := exec.LookPath("tshark"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tshark is required in CI (apt-get install tshark)")
		}
		t.Skip("tshark not installed (apt-get install tshark): differential test skipped")
	}
	for _, ng := range []bool{false, true} {
		data, payload := mixedCapture(t, ng, 400)
		path := filepath.Join(t.TempDir(), "mixed.pcap")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		theirs := tsharkConvs(t, path)
		evs, errs := drain(t, data, path, defaultConfig())
		if len(errs) > 0 {
			t.Fatal(errs)
		}
		ours := 0
		for _, ev := range evs {
			if ev.Kind != "pcap.conn" {
				continue
			}
			ours++
			sp, _ := ev.Int(event.SourcePort)
			dp, _ := ev.Int(event.DestinationPort)
			src, dst := ev.Str(event.SourceIP), ev.Str(event.DestinationIP)
			k := convKey(src, uint16(sp), dst, uint16(dp))
			op, _ := ev.Int(event.SourcePackets)
			rp, _ := ev.Int(event.DestinationPackets)
			ob, _ := ev.RawValue("orig_frame_bytes")
			rb, _ := ev.RawValue("resp_frame_bytes")
			obn, _ := strconv.ParseInt(ob, 10, 64)
			rbn, _ := strconv.ParseInt(rb, 10, 64)
			ts, ok := theirs[k]
			if !ok { // tshark's A may be our responder
				ts, ok = theirs[convKey(dst, uint16(dp), src, uint16(sp))]
				ts = convSummary{aPkts: ts.bPkts, bPkts: ts.aPkts, aBytes: ts.bBytes, bBytes: ts.aBytes, aUnit: ts.bUnit, bUnit: ts.aUnit}
			}
			if !ok {
				t.Errorf("ng=%v: %s not in tshark's tables", ng, k)
				continue
			}
			if op != ts.aPkts || rp != ts.bPkts || !sameBytes(obn, ts.aBytes, ts.aUnit) || !sameBytes(rbn, ts.bBytes, ts.bUnit) {
				t.Errorf("ng=%v: %s: ours %d/%d pkts %d/%d bytes, tshark %+v", ng, k, op, rp, obn, rbn, ts)
			}
			sb, _ := ev.Int(event.SourceBytes)
			db, _ := ev.Int(event.DestinationBytes)
			if want := payload[k]; sb != want[0] || db != want[1] {
				t.Errorf("ng=%v: %s: payload %d/%d, generated %d/%d", ng, k, sb, db, want[0], want[1])
			}
		}
		if ours != len(theirs) || ours != len(payload) {
			t.Errorf("ng=%v: %d sessions, tshark %d, generated %d", ng, ours, len(theirs), len(payload))
		}
	}
}
