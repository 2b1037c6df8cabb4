package evtx

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
)

// bx builds BinXML as it would sit in a chunk at offset base, for tokens
// the corpus does not use (CDATA, references, PIs) and for every value
// type and substitution case.
type bx struct {
	b    []byte
	base int
}

func (x *bx) pos() int           { return x.base + len(x.b) }
func (x *bx) byte1(v byte) *bx   { x.b = append(x.b, v); return x }
func (x *bx) u16(v uint16) *bx   { x.b = binary.LittleEndian.AppendUint16(x.b, v); return x }
func (x *bx) u32(v uint32) *bx   { x.b = binary.LittleEndian.AppendUint32(x.b, v); return x }
func (x *bx) raw(b []byte) *bx   { x.b = append(x.b, b...); return x }
func (x *bx) utf16(s string) *bx { return x.raw(utf16le(s)) }

// name writes a name offset pointing just past itself and the name inline.
func (x *bx) name(s string) *bx {
	x.u32(uint32(x.pos() + 4))
	x.u32(0).u16(0).u16(uint16(len(utf16le(s)) / 2)).utf16(s).u16(0)
	return x
}

func (x *bx) fragment() *bx { return x.raw([]byte{tokFragment, 1, 1, 0}) }

func (x *bx) open(name string, attrs bool) *bx {
	t := byte(tokOpenStart)
	if attrs {
		t |= tokMore
	}
	x.byte1(t).u16(0xffff).u32(0).name(name)
	if attrs {
		x.u32(0)
	}
	return x
}

func (x *bx) attr(name string) *bx { return x.byte1(tokAttribute).name(name) }
func (x *bx) text(s string) *bx {
	return x.byte1(tokValue).byte1(typeString).u16(uint16(len(utf16le(s)) / 2)).utf16(s)
}
func (x *bx) closeStart() *bx            { return x.byte1(tokCloseStart) }
func (x *bx) closeEmpty() *bx            { return x.byte1(tokCloseEmpty) }
func (x *bx) end() *bx                   { return x.byte1(tokEnd) }
func (x *bx) subst(i uint16, t byte) *bx { return x.byte1(tokSubst).u16(i).byte1(t) }
func (x *bx) opt(i uint16, t byte) *bx   { return x.byte1(tokOptSubst).u16(i).byte1(t) }

// instance writes a template instance with its definition inline, built
// by def, and the values.
func (x *bx) instance(id uint32, def func(*bx), vals []value, data [][]byte) *bx {
	x.byte1(tokTemplate).byte1(1).u32(id).u32(uint32(x.pos() + 4))
	body := &bx{base: x.pos() + 24}
	def(body)
	x.u32(0).u32(id).raw(make([]byte, 12)).u32(uint32(len(body.b))).raw(body.b)
	x.u32(uint32(len(vals)))
	for i, v := range vals {
		x.u16(uint16(len(data[i]))).byte1(v.typ).byte1(0)
	}
	for _, d := range data {
		x.raw(d)
	}
	return x
}

// chunkWith returns a chunk holding one record whose BinXML build writes.
func chunkWith(build func(x *bx)) []byte {
	c := make([]byte, chunkSize)
	copy(c, chunkMagic)
	x := &bx{base: chunkHeaderSize + recordHeaderSize}
	build(x)
	size := minRecordSize + len(x.b)
	rec := c[chunkHeaderSize:]
	copy(rec, recordMagic)
	binary.LittleEndian.PutUint32(rec[4:], uint32(size))
	binary.LittleEndian.PutUint64(rec[8:], 42)
	copy(rec[recordHeaderSize:], x.b)
	binary.LittleEndian.PutUint32(rec[size-4:], uint32(size))
	binary.LittleEndian.PutUint32(c[8:], 42)
	binary.LittleEndian.PutUint32(c[16:], 42)
	binary.LittleEndian.PutUint32(c[48:], uint32(chunkHeaderSize+size))
	fixChunk(c)
	return c
}

// renderBoth renders the single record of a chunk as XML and as fields.
func renderBoth(t *testing.T, c []byte) (string, string) {
	t.Helper()
	w := newWorker()
	if !w.c.load(c, true) || len(w.c.recs) != 1 || w.c.recs[0].reason != "" {
		t.Fatalf("chunk: %+v", w.c.recs)
	}
	w.xml.reset()
	w.xml.out = w.xml.out[:0]
	if err := w.c.render(w.c.recs[0], &w.xml); err != nil {
		t.Fatalf("render xml: %v", err)
	}
	w.fields.reset()
	if err := w.c.render(w.c.recs[0], &w.fields); err != nil {
		t.Fatalf("render fields: %v", err)
	}
	var f []string
	for _, sp := range w.fields.fields {
		f = append(f, sp.name+"="+string(w.fields.buf[sp.start:sp.end]))
	}
	return strings.ReplaceAll(string(w.xml.out), "\n", ""), strings.Join(f, "|")
}

func TestBinXMLTokens(t *testing.T) {
	c := chunkWith(func(x *bx) {
		x.fragment()
		x.byte1(tokPITarget).name("xml-stylesheet").byte1(tokPIData).u16(4).utf16("a=b ")
		x.open("Event", false).closeStart()
		x.open("System", false).closeStart()
		x.open("EventID", false).closeStart().text("7").end()
		x.end()
		x.open("EventData", false).closeStart()
		x.open("Data", true).attr("Name").text("a&b").closeStart()
		x.byte1(tokValue | tokMore).byte1(typeString).u16(2).utf16("x<")
		x.byte1(tokCharRef | tokMore).u16('Z')
		x.byte1(tokEntityRef | tokMore).name("amp")
		x.byte1(tokCDATA).u16(3).utf16("c]d")
		x.end()
		x.open("Data", false).closeEmpty()
		x.end()
		x.end()
		x.byte1(tokEOF)
	})
	gotXML, gotFields := renderBoth(t, c)
	wantXML := `<?xml-stylesheet a=b ?><Event>  <System>    <EventID>7</EventID>  </System>  <EventData>    <Data Name="a&amp;b">x&lt;Z&amp;c]d</Data>    <Data/>  </EventData></Event>`
	if gotXML != wantXML {
		t.Errorf("xml\n got %s\nwant %s", gotXML, wantXML)
	}
	if want := "EventID=7|a&b=x<Z&c]d|Data="; gotFields != want {
		t.Errorf("fields\n got %s\nwant %s", gotFields, want)
	}
}

func TestBinXMLSubstitutions(t *testing.T) {
	def := func(b *bx) {
		b.fragment()
		b.open("Event", false).closeStart()
		b.open("System", false).closeStart()
		b.open("Provider", true).attr("Name").subst(0, typeString).attr("Guid").opt(1, typeGUID).closeEmpty()
		b.open("EventID", true).attr("Qualifiers").opt(2, typeUint16).closeStart().subst(3, typeUint16).end()
		b.open("TimeCreated", true).attr("SystemTime").subst(4, typeFileTime).closeEmpty()
		b.open("Computer", false).closeStart().subst(5, typeANSI).end()
		b.end()
		b.open("EventData", false).closeStart()
		b.open("Data", true).attr("Name").text("Strings").closeStart().subst(6, typeString|typeArray).end()
		b.open("Data", true).attr("Name").text("Gone").closeStart().opt(7, typeString).end()
		b.open("Data", true).attr("Name").text("Mixed").closeStart().text("n=").subst(8, typeHex64|typeArray).end()
		b.open("Data", true).attr("Name").text("Sid").closeStart().subst(9, typeSID).end()
		b.open("Nested", false).closeStart().subst(10, typeBinXML).end()
		b.end()
		b.end()
		b.byte1(tokEOF)
	}
	nested := &bx{}
	c := chunkWith(func(x *bx) {
		x.fragment()
		// Values are laid out after the definition; the nested BinXML
		// value needs its own chunk offset, computed from the total of
		// the values before it.
		vals := []value{{typ: typeString}, {typ: typeNull}, {typ: typeNull}, {typ: typeUint16}, {typ: typeFileTime},
			{typ: typeANSI}, {typ: typeString | typeArray}, {typ: typeNull}, {typ: typeHex64 | typeArray}, {typ: typeSID}, {typ: typeBinXML}}
		data := [][]byte{utf16le("Prov"), nil, nil, {0x51, 0x10}, le64(filetimeEpoch + 15),
			[]byte("HOST\x00"), utf16le("one\x00two\x00"), nil, append(le64(1), le64(0x3e7)...),
			{1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0}, nil}
		// Build once to learn where the last value will start.
		probe := &bx{base: x.pos()}
		probe.instance(0xabcd, def, vals, data)
		nested.base = x.pos() + len(probe.b)
		nested.open("Inner", true).attr("k").text("v").closeStart().text("t").end()
		data[10] = nested.b
		x.instance(0xabcd, def, vals, data)
		x.byte1(tokEOF)
	})
	gotXML, gotFields := renderBoth(t, c)
	wantXML := `<Event>  <System>    <Provider Name="Prov"/>    <EventID>4177</EventID>    <TimeCreated SystemTime="1970-01-01T00:00:00.0000015Z"/>    <Computer>HOST</Computer>  </System>  <EventData>` +
		`    <Data Name="Strings">one</Data>    <Data Name="Strings">two</Data>    <Data Name="Mixed">n=0x1, 0x3e7</Data>    <Data Name="Sid">S-1-5-18</Data>` +
		`    <Nested>      <Inner k="v">t</Inner>    </Nested>  </EventData></Event>`
	if gotXML != wantXML {
		t.Errorf("xml\n got %s\nwant %s", gotXML, wantXML)
	}
	want := `Provider_Name=Prov|EventID=4177|TimeCreated=1970-01-01T00:00:00.0000015Z|Computer=HOST|Strings=one|Strings=two|Mixed=n=["0x1","0x3e7"]|Sid=S-1-5-18|Inner=t`
	if gotFields != want {
		t.Errorf("fields\n got %s\nwant %s", gotFields, want)
	}
	// The template was compiled once and the record carries no damage.
	if !bytes.Contains(c, []byte{tokTemplate, 1, 0xcd, 0xab}) {
		t.Error("template instance not where expected")
	}
}

func TestBinXMLErrors(t *testing.T) {
	tests := []struct {
		name  string
		build func(x *bx)
		want  string
	}{
		{"unknown token", func(x *bx) { x.fragment().byte1(0x1f) }, "unknown token"},
		{"end without start", func(x *bx) { x.fragment().end() }, "end element without start"},
		{"unclosed element", func(x *bx) { x.fragment().open("A", false).closeStart() }, "truncated"},
		{"empty", func(x *bx) { x.byte1(tokEOF) }, "no content"},
		{"name out of range", func(x *bx) { x.fragment().byte1(tokOpenStart).u16(0xffff).u32(0).u32(0x7fffffff) }, "implausible"},
		{"template id mismatch", func(x *bx) {
			x.fragment()
			x.byte1(tokTemplate).byte1(1).u32(1).u32(uint32(x.pos() + 4))
			x.u32(0).u32(2).raw(make([]byte, 12)).u32(5).fragment().byte1(tokEOF).u32(0)
		}, "does not match"},
		{"template without element", func(x *bx) {
			x.fragment()
			x.instance(9, func(b *bx) { b.fragment().byte1(tokEOF) }, nil, nil)
		}, "does not start with an element"},
		{"deep nesting", func(x *bx) {
			x.fragment()
			for range maxDepth + 1 {
				x.open("A", false).closeStart()
			}
		}, "too deep"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorker()
			if !w.c.load(chunkWith(tc.build), true) || len(w.c.recs) != 1 {
				t.Fatal("chunk")
			}
			w.fields.reset()
			err := w.c.render(w.c.recs[0], &w.fields)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}
