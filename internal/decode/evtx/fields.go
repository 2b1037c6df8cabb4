package evtx

import (
	"bytes"
	"encoding/binary"

	"github.com/firebreak-ir/firebreak/internal/jsontext"
)

// System field slots, in the order fields are emitted.
const (
	sysProviderName = iota
	sysProviderGUID
	sysEventSourceName
	sysEventID
	sysQualifiers
	sysVersion
	sysLevel
	sysTask
	sysOpcode
	sysKeywords
	sysTimeCreated
	sysEventRecordID
	sysActivityID
	sysRelatedActivityID
	sysProcessID
	sysThreadID
	sysChannel
	sysComputer
	sysUserID
	numSys
)

// sysNames are the field names of the System slots.
var sysNames = [numSys]string{
	"Provider_Name", "Provider_Guid", "EventSourceName", "EventID", "Qualifiers",
	"Version", "Level", "Task", "Opcode", "Keywords", "TimeCreated",
	"EventRecordID", "Correlation_ActivityID", "Correlation_RelatedActivityID",
	"Execution_ProcessID", "Execution_ThreadID", "Channel", "Computer",
	"Security_UserID",
}

// sysSlot maps a System child element (and attribute, "" for the text) to
// its slot, or -1.
func sysSlot(elem, attr string) int {
	switch elem {
	case "Provider":
		switch attr {
		case "Name":
			return sysProviderName
		case "Guid":
			return sysProviderGUID
		case "EventSourceName":
			return sysEventSourceName
		}
	case "EventID":
		switch attr {
		case "":
			return sysEventID
		case "Qualifiers":
			return sysQualifiers
		}
	case "Version":
		if attr == "" {
			return sysVersion
		}
	case "Level":
		if attr == "" {
			return sysLevel
		}
	case "Task":
		if attr == "" {
			return sysTask
		}
	case "Opcode":
		if attr == "" {
			return sysOpcode
		}
	case "Keywords":
		if attr == "" {
			return sysKeywords
		}
	case "TimeCreated":
		if attr == "SystemTime" {
			return sysTimeCreated
		}
	case "EventRecordID":
		if attr == "" {
			return sysEventRecordID
		}
	case "Correlation":
		switch attr {
		case "ActivityID":
			return sysActivityID
		case "RelatedActivityID":
			return sysRelatedActivityID
		}
	case "Execution":
		switch attr {
		case "ProcessID":
			return sysProcessID
		case "ThreadID":
			return sysThreadID
		}
	case "Channel":
		if attr == "" {
			return sysChannel
		}
	case "Computer":
		if attr == "" {
			return sysComputer
		}
	case "Security":
		if attr == "UserID" {
			return sysUserID
		}
	}
	return -1
}

// span is one field: its name and where its value lies in the sink buffer.
type span struct {
	name       string
	start, end int32
}

// Sections of an event, by the element at depth 2.
const (
	secNone = iota
	secSystem
	secData // EventData, UserData and other payload sections
	secSkip // RenderingInfo: text rendered by a collector, not event data
)

type elemState struct {
	name     string
	field    string // field name for a leaf (Data Name="…" or the element name)
	start    int32  // start of text in buf, -1 when none yet
	hasChild bool
}

// fieldSink turns a rendered record into ordered fields: the System fields
// in a fixed order, then EventData, UserData and other payload leaves.
type fieldSink struct {
	intern  func([]byte) string
	buf     []byte
	fields  []span
	stack   []elemState
	section int
	sys     [numSys]span
	sysSet  uint32
	extra   []span // System children outside the known set
	nSys    int    // number of leading System fields in fields
	payload string // name of the first payload section (EventData, UserData, …)
	// TimeCreated as a FILETIME when it came as one value.
	filetime uint64
	hasTime  bool
	chunk    *chunkDecoder
}

func (f *fieldSink) reset() {
	f.buf = f.buf[:0]
	f.fields = f.fields[:0]
	f.stack = f.stack[:0]
	f.extra = f.extra[:0]
	f.section = secNone
	f.nSys = 0
	f.payload = ""
	f.sysSet = 0
	f.filetime = 0
	f.hasTime = false
}

func (f *fieldSink) open(name string) {
	if n := len(f.stack); n > 0 {
		f.stack[n-1].hasChild = true
	}
	f.stack = append(f.stack, elemState{name: name, field: name, start: -1})
	if len(f.stack) == 2 {
		switch name {
		case "System":
			f.section = secSystem
		case "RenderingInfo":
			f.section = secSkip
		default:
			f.section = secData
			if f.payload == "" {
				f.payload = name
			}
		}
	}
}

func (f *fieldSink) attr(name string, text []byte, v value) {
	d := len(f.stack)
	if d < 3 {
		return
	}
	top := &f.stack[d-1]
	switch f.section {
	case secSystem:
		if d != 3 {
			return
		}
		start := int32(len(f.buf))
		f.buf = append(f.buf, text...)
		sp := span{start: start, end: int32(len(f.buf))}
		slot := sysSlot(top.name, name)
		if slot < 0 {
			sp.name = f.intern([]byte(top.name + "_" + name))
			f.extra = append(f.extra, sp)
			return
		}
		if slot == sysTimeCreated && v.typ == typeFileTime && v.size == 8 {
			f.filetime = binary.LittleEndian.Uint64(f.chunk.data[v.off:])
			f.hasTime = true
		}
		sp.name = sysNames[slot]
		f.sys[slot] = sp
		f.sysSet |= 1 << slot
	case secData:
		if name == "Name" && top.name == "Data" {
			top.field = f.intern(text)
		}
	}
}

func (f *fieldSink) text(b []byte) {
	d := len(f.stack)
	if d < 3 || f.section == secSkip {
		return
	}
	top := &f.stack[d-1]
	if top.start < 0 {
		top.start = int32(len(f.buf))
	}
	f.buf = append(f.buf, b...)
}

func (f *fieldSink) utf16(b []byte) {
	d := len(f.stack)
	if d < 3 || f.section == secSkip {
		return
	}
	top := &f.stack[d-1]
	if top.start < 0 {
		top.start = int32(len(f.buf))
	}
	f.buf = appendUTF16(f.buf, b)
}

func (f *fieldSink) array(t byte, data []byte) {
	d := len(f.stack)
	if d < 3 || f.section == secSkip {
		return
	}
	top := &f.stack[d-1]
	if top.start < 0 {
		top.start = int32(len(f.buf))
	}
	f.buf = appendJSONArray(f.buf, t, data)
}

func (f *fieldSink) pi(string, string) {}

func (f *fieldSink) close() {
	d := len(f.stack)
	if d == 0 {
		return
	}
	top := f.stack[d-1]
	f.stack = f.stack[:d-1]
	switch {
	case d == 2 && f.section == secSystem:
		for i := range numSys {
			if f.sysSet&(1<<i) != 0 {
				f.fields = append(f.fields, f.sys[i])
			}
		}
		f.fields = append(f.fields, f.extra...)
		f.nSys = len(f.fields)
		f.section = secNone
	case d == 2:
		f.section = secNone
	case d < 3 || top.hasChild:
	case f.section == secSystem:
		if d != 3 || top.start < 0 {
			return
		}
		sp := span{start: top.start, end: int32(len(f.buf))}
		slot := sysSlot(top.name, "")
		if slot < 0 {
			sp.name = top.name
			f.extra = append(f.extra, sp)
			return
		}
		sp.name = sysNames[slot]
		f.sys[slot] = sp
		f.sysSet |= 1 << slot
	case f.section == secData:
		start := top.start
		if start < 0 {
			start = int32(len(f.buf))
		}
		f.fields = append(f.fields, span{name: top.field, start: start, end: int32(len(f.buf))})
	}
}

// plausible reports whether a rendered record looks like an event: a
// System section with an event identifier and no NUL characters inside
// its values. Records recovered from slack space that were partly
// overwritten fail this.
func (f *fieldSink) plausible() bool {
	if f.sysSet&(1<<sysEventID) == 0 || f.nSys == 0 {
		return false
	}
	for _, sp := range f.fields[:f.nSys] {
		if bytes.IndexByte(f.buf[sp.start:sp.end], 0) >= 0 {
			return false
		}
	}
	for _, sp := range f.fields {
		if !plainName(sp.name) {
			return false
		}
	}
	return true
}

// plainName reports whether s is an ASCII XML name, as every field name
// Windows providers use is.
func plainName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', c == '_':
		case '0' <= c && c <= '9', c == '-', c == '.', c == ':':
			if i == 0 {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// appendJSONArray renders an array value as a JSON array of strings.
func appendJSONArray(dst []byte, t byte, data []byte) []byte {
	dst = append(dst, '[')
	first := true
	var tmp [64]byte
	forEachElem(t, data, func(e []byte) {
		if !first {
			dst = append(dst, ',')
		}
		first = false
		if t == typeString || t == typeANSI {
			// Strings may be long; render then escape.
			s := appendScalar(nil, t, e)
			dst = jsontext.AppendString(dst, s)
			return
		}
		dst = jsontext.AppendString(dst, appendScalar(tmp[:0], t, e))
	})
	return append(dst, ']')
}
