package pcap

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// FuzzCapture feeds arbitrary bytes to the decoder: it must not panic, must
// end, and must report damage only as RecordErrors naming the file and the
// packet after which reading stopped.
func FuzzCapture(f *testing.F) {
	for _, ng := range []bool{false, true} {
		data := buildFixture(f, ng).data
		f.Add(data)
		f.Add(data[:len(data)*2/3])
		small, _ := mixedCapture(f, ng, 20)
		f.Add(small)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		Format.Detect(data)
		dec, err := Format.Open(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		var ev event.Event
		for range 1 << 20 {
			ev.Reset()
			err := dec.Next(&ev)
			if err == io.EOF {
				return
			}
			if err != nil {
				var re *decode.RecordError
				if !errors.As(err, &re) {
					t.Fatalf("error that is not a RecordError: %v", err)
				}
				if re.Path != "fuzz" || !strings.Contains(re.Reason, "after packet") {
					t.Fatalf("record error without position: %+v", re)
				}
				continue
			}
			if ev.Kind == "" || ev.Str(event.SourceIP) == "" || ev.Str(event.DestinationIP) == "" {
				t.Fatalf("record without kind or addresses: %+v", ev)
			}
		}
		t.Fatal("decoder did not end")
	})
}
