package pcap

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
)

const benchConvs = 100_000

// benchCapture writes n TCP conversations, each a handshake, a request, a
// response and FIN both ways (8 packets), 1 ms apart.
func benchCapture(tb testing.TB, n int) []byte {
	c := newCapture(tb, false)
	c.step = time.Millisecond
	req := []byte(httpReq)
	resp := make([]byte, 600)
	for i := range n {
		v := c.conv(fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255), uint16(1024+i%60000), fmt.Sprintf("198.51.100.%d", 1+i%200), 443)
		v.handshake()
		v.pkt(true, "PA", req)
		v.pkt(false, "PA", resp)
		v.close()
	}
	return c.bytes()
}

// TestWriteBenchCapture writes the benchmark capture to $PCAP_BENCH_OUT for
// bench/pcap.sh.
func TestWriteBenchCapture(t *testing.T) {
	out := os.Getenv("PCAP_BENCH_OUT")
	if out == "" {
		t.Skip("PCAP_BENCH_OUT not set")
	}
	if err := os.WriteFile(out, benchCapture(t, benchConvs), 0o644); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkDecode decodes a capture of ~100k TCP conversations
// ($PCAP_BENCH_FILE, or one generated here) and reports packets/s and
// MB/s of capture file.
func BenchmarkDecode(b *testing.B) {
	var data []byte
	if p := os.Getenv("PCAP_BENCH_FILE"); p != "" {
		var err error
		if data, err = os.ReadFile(p); err != nil {
			b.Fatal(err)
		}
	} else {
		data = benchCapture(b, benchConvs)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	var packets, records int64
	var ev event.Event
	for b.Loop() {
		dec, err := newDecoder(bytes.NewReader(data), "bench", defaultConfig())
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
			records++
		}
		packets += dec.pkt
	}
	s := b.Elapsed().Seconds()
	b.ReportMetric(float64(packets)/s, "packets/s")
	b.ReportMetric(float64(records)/s, "records/s")
}
