package evtx

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// Fixtures in testdata are cut from the CC0 evtx-samples corpus: each is a
// file header and one chunk.
var fixtures = []string{"log-cleared.evtx", "kerberos-bruteforce.evtx", "plain-binxml.evtx"}

// chunksOf returns the chunks of a testdata file that hold a chunk.
func chunksOf(t testing.TB, name string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for off := fileHeaderSize; off+chunkSize <= len(data); off += chunkSize {
		if bytes.HasPrefix(data[off:], []byte(chunkMagic)) {
			out = append(out, bytes.Clone(data[off:off+chunkSize]))
		}
	}
	return out
}

// buildFile assembles a file from chunks with a header that claims count
// chunks and carries a correct checksum.
func buildFile(count int, chunks ...[]byte) []byte {
	hdr := make([]byte, fileHeaderSize)
	copy(hdr, fileMagic)
	le := binary.LittleEndian
	le.PutUint64(hdr[16:], uint64(max(count-1, 0)))
	le.PutUint32(hdr[32:], 128)
	le.PutUint16(hdr[36:], 1)
	le.PutUint16(hdr[38:], 3)
	le.PutUint16(hdr[40:], fileHeaderSize)
	le.PutUint16(hdr[42:], uint16(count))
	le.PutUint32(hdr[124:], crc32.ChecksumIEEE(hdr[:120]))
	out := hdr
	for _, c := range chunks {
		out = append(out, c...)
	}
	return out
}

// fixChunk recomputes a chunk's checksums after it was edited.
func fixChunk(c []byte) {
	le := binary.LittleEndian
	free := int(le.Uint32(c[48:]))
	le.PutUint32(c[52:], crc32.ChecksumIEEE(c[chunkHeaderSize:free]))
	crc := crc32.ChecksumIEEE(c[:120])
	le.PutUint32(c[124:], crc32.Update(crc, crc32.IEEETable, c[128:chunkHeaderSize]))
}

// decodeAll reads every event of data and the damage reports.
func decodeAll(t testing.TB, data []byte, workers int) (evs []event.Event, damage []*decode.RecordError, fatal error) {
	t.Helper()
	d, err := NewDecoder(bytes.NewReader(data), int64(len(data)), "test.evtx", Options{Workers: workers, Normalise: func(*event.Event) {}})
	if err != nil {
		return nil, nil, err
	}
	defer d.Close()
	for {
		var ev event.Event
		err := d.Next(&ev)
		if err == io.EOF {
			return evs, damage, nil
		}
		var re *decode.RecordError
		if errors.As(err, &re) {
			damage = append(damage, re)
			continue
		}
		if err != nil {
			return evs, damage, err
		}
		evs = append(evs, ev)
	}
}

// recordCounts decodes each fixture chunk alone.
func recordCounts(t *testing.T, chunks [][]byte) []int {
	var n []int
	for _, c := range chunks {
		evs, damage, err := decodeAll(t, buildFile(1, c), 1)
		if err != nil || len(damage) > 0 {
			t.Fatalf("fixture chunk: %v %v", err, damage)
		}
		n = append(n, len(evs))
	}
	return n
}

func TestDamage(t *testing.T) {
	var chunks [][]byte
	for _, f := range fixtures {
		chunks = append(chunks, chunksOf(t, f)...)
	}
	if len(chunks) != 3 {
		t.Fatalf("want 3 fixture chunks, have %d", len(chunks))
	}
	counts := recordCounts(t, chunks)
	total := counts[0] + counts[1] + counts[2]
	edited := func(i int, edit func(c []byte)) [][]byte {
		out := make([][]byte, len(chunks))
		for k := range chunks {
			out[k] = bytes.Clone(chunks[k])
		}
		edit(out[i])
		return out
	}
	le := binary.LittleEndian
	// firstRecord returns the offset and size of the first record.
	firstRecord := func(c []byte) (int, int) { return chunkHeaderSize, int(le.Uint32(c[chunkHeaderSize+4:])) }

	tests := []struct {
		name string
		file []byte
		// minimum and maximum events expected
		min, max int
		// substrings every one of which some damage report must contain
		damage []string
	}{
		{name: "intact", file: buildFile(3, chunks...), min: total, max: total},
		{name: "dirty header count", file: buildFile(1, chunks...), min: total, max: total},
		{name: "header count zero", file: buildFile(0, chunks...), min: total, max: total},
		{
			name: "bad file header checksum",
			file: func() []byte { f := buildFile(3, chunks...); f[100] ^= 1; return f }(),
			min:  total, max: total, damage: []string{"file header checksum"},
		},
		{
			name: "truncated inside last chunk",
			file: buildFile(3, chunks...)[:fileHeaderSize+2*chunkSize+4000],
			min:  counts[0] + counts[1], max: total - 1, damage: []string{"chunk 2: chunk truncated"},
		},
		{
			name: "truncated inside chunk header",
			file: buildFile(3, chunks...)[:fileHeaderSize+chunkSize+300],
			min:  counts[0], max: counts[0], damage: []string{"chunk 1: chunk truncated"},
		},
		{
			name: "truncated file header",
			file: buildFile(3, chunks...)[:2000],
			min:  0, max: 0,
		},
		{
			name: "flipped bytes in a record",
			file: buildFile(3, edited(1, func(c []byte) {
				off, size := firstRecord(c)
				for i := off + 40; i < off+size-8; i += 97 {
					c[i] ^= 0x5a
				}
			})...),
			min: counts[0] + counts[2], max: total, damage: []string{"chunk 1: event records checksum mismatch"},
		},
		{
			name: "broken record size",
			file: buildFile(3, edited(0, func(c []byte) {
				off, _ := firstRecord(c)
				le.PutUint32(c[off+4:], 0xfffff)
			})...),
			min: counts[1] + counts[2] + counts[0] - 1, max: total - 1, damage: []string{"chunk 0: bad record size"},
		},
		{
			name: "zeroed template pointer table",
			file: buildFile(3, edited(1, func(c []byte) { clear(c[384:512]) })...),
			min:  total, max: total, damage: []string{"chunk 1: chunk header checksum mismatch"},
		},
		{
			name: "zeroed template definition",
			file: buildFile(3, edited(1, func(c []byte) {
				// The first record defines its template inline, right
				// after the fragment header and the instance token.
				off, _ := firstRecord(c)
				def := off + recordHeaderSize + 4 + 10
				size := int(le.Uint32(c[def+20:]))
				clear(c[def+24 : def+24+size])
				fixChunk(c)
			})...),
			min: counts[0] + counts[2], max: total - 1, damage: []string{"chunk 1: record"},
		},
		{
			name: "zeroed chunk",
			file: buildFile(3, edited(1, func(c []byte) { clear(c) })...),
			min:  counts[0] + counts[2], max: counts[0] + counts[2], damage: []string{"chunk 1: chunk is zeroed"},
		},
		{
			name: "bad chunk signature",
			file: buildFile(3, edited(2, func(c []byte) { c[0] = 'X' })...),
			min:  counts[0] + counts[1], max: counts[0] + counts[1], damage: []string{"chunk 2: bad chunk signature"},
		},
		{
			name: "free space offset out of range",
			file: buildFile(3, edited(0, func(c []byte) { le.PutUint32(c[48:], 3); fixChunk2(c) })...),
			min:  total, max: total, damage: []string{"chunk 0: free space offset"},
		},
	}
	for _, tc := range tests {
		for _, workers := range []int{1, 2} {
			t.Run(tc.name+"/"+workersName(workers), func(t *testing.T) {
				evs, damage, err := decodeAll(t, tc.file, workers)
				if tc.name == "truncated file header" {
					if len(evs) != 0 {
						t.Errorf("%d events from a file without chunks", len(evs))
					}
					return
				}
				if err != nil {
					t.Fatalf("fatal error: %v", err)
				}
				if len(evs) < tc.min || len(evs) > tc.max {
					t.Errorf("%d events, want %d..%d", len(evs), tc.min, tc.max)
				}
				for _, want := range tc.damage {
					found := false
					for _, d := range damage {
						if strings.Contains(d.Error(), want) {
							found = true
						}
						if d.Path != "test.evtx" || d.Offset < 0 {
							t.Errorf("damage report without location: %+v", d)
						}
					}
					if !found {
						t.Errorf("no damage report containing %q in %v", want, damage)
					}
				}
				if len(tc.damage) == 0 && len(damage) > 0 {
					t.Errorf("unexpected damage: %v", damage)
				}
			})
		}
	}
}

// fixChunk2 recomputes only the header checksum, leaving the records
// checksum as it was.
func fixChunk2(c []byte) {
	crc := crc32.ChecksumIEEE(c[:120])
	binary.LittleEndian.PutUint32(c[124:], crc32.Update(crc, crc32.IEEETable, c[128:chunkHeaderSize]))
}

// TestDamageOrder checks that damage reports come back among the events in
// file order, whatever the number of workers.
func TestDamageOrder(t *testing.T) {
	var chunks [][]byte
	for _, f := range fixtures {
		chunks = append(chunks, chunksOf(t, f)...)
	}
	bad := bytes.Clone(chunks[1])
	bad[0] = 'X'
	file := buildFile(5, chunks[0], bad, chunks[2], chunks[0], bad)
	var seq []string
	for _, w := range []int{1, 2, 4} {
		d, err := NewDecoder(bytes.NewReader(file), int64(len(file)), "x", Options{Workers: w, Normalise: func(*event.Event) {}})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		var ev event.Event
		for {
			ev.Reset()
			err := d.Next(&ev)
			if err == io.EOF {
				break
			}
			if err != nil {
				got = append(got, err.Error())
				continue
			}
			v, _ := ev.RawValue("EventRecordID")
			got = append(got, v)
		}
		if seq == nil {
			seq = got
			continue
		}
		if strings.Join(got, "|") != strings.Join(seq, "|") {
			t.Errorf("workers=%d: order differs from workers=1", w)
		}
	}
}

func TestNotEVTX(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("hello"), bytes.Repeat([]byte{0}, 8192)} {
		if _, err := NewDecoder(bytes.NewReader(data), int64(len(data)), "x", Options{}); err == nil {
			t.Errorf("no error for %q", data[:min(len(data), 8)])
		}
	}
	if Format.Detect([]byte("hello")) || !Format.Detect(buildFile(0)) {
		t.Error("Detect")
	}
}
