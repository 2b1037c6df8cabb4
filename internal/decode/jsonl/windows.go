package jsonl

import (
	"bytes"
	"time"

	"github.com/firebreak-ir/firebreak/internal/decode/winlog"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// winlogbeat lays out a Winlogbeat/ECS document by the winlog contract:
// winlog.* System members, then winlog.event_data, then winlog.user_data.
func (d *Decoder) winlogbeat(ev *event.Event) {
	p := &d.p
	wl := p.child(0, "winlog")
	evn := p.child(0, "event")

	// One pass over winlog.* finds the members; a document has ~20.
	var m struct {
		provider, guid, source, id, qual, version, level, task, opcode, keywords,
		created, record, activity, related, process, channel, computer, user,
		data, userData int32
	}
	m.provider, m.guid, m.source, m.id, m.qual, m.version, m.level, m.task = -1, -1, -1, -1, -1, -1, -1, -1
	m.opcode, m.keywords, m.created, m.record, m.activity, m.related = -1, -1, -1, -1, -1, -1
	m.process, m.channel, m.computer, m.user, m.data, m.userData = -1, -1, -1, -1, -1, -1
	for c := p.nodes[wl].first; c >= 0; c = p.nodes[c].next {
		var at *int32
		switch string(p.bytes(p.nodes[c].key)) {
		case "provider_name":
			at = &m.provider
		case "provider_guid":
			at = &m.guid
		case "event_source":
			at = &m.source
		case "event_id":
			at = &m.id
		case "qualifiers":
			at = &m.qual
		case "version":
			at = &m.version
		case "level":
			at = &m.level
		case "task":
			at = &m.task
		case "opcode":
			at = &m.opcode
		case "keywords":
			at = &m.keywords
		case "time_created":
			at = &m.created
		case "record_id":
			at = &m.record
		case "activity_id":
			at = &m.activity
		case "related_activity_id":
			at = &m.related
		case "process":
			at = &m.process
		case "channel":
			at = &m.channel
		case "computer_name":
			at = &m.computer
		case "user":
			at = &m.user
		case "event_data":
			at = &m.data
		case "user_data":
			at = &m.userData
		default:
			continue
		}
		if *at < 0 {
			*at = c
		}
	}

	d.sysField(winlog.FieldProviderName, m.provider, p.child(evn, "provider"))
	d.sysField(winlog.FieldProviderGUID, m.guid, -1)
	d.sysField(winlog.FieldEventSourceName, m.source, -1)
	d.sysField(winlog.FieldEventID, m.id, p.child(evn, "code"))
	d.sysField(winlog.FieldQualifiers, m.qual, -1)
	d.sysField(winlog.FieldVersion, m.version, -1)
	if m.level >= 0 {
		d.sysField(winlog.FieldLevel, m.level, -1)
	} else if lv := p.path(0, "log", "level"); p.isScalar(lv) {
		d.levelField(lv)
	}
	d.sysField(winlog.FieldTask, m.task, -1)
	d.sysField(winlog.FieldOpcode, m.opcode, -1)
	d.sysField(winlog.FieldKeywords, m.keywords, -1)
	d.timeField(ev, m.created, p.child(0, "@timestamp"))
	d.sysField(winlog.FieldEventRecordID, m.record, -1)
	d.sysField(winlog.FieldActivityID, m.activity, -1)
	d.sysField(winlog.FieldRelatedActivityID, m.related, -1)
	d.sysField(winlog.FieldExecutionProcessID, p.child(m.process, "pid"), -1)
	d.sysField(winlog.FieldExecutionThreadID, p.path(m.process, "thread", "id"), -1)
	d.sysField(winlog.FieldChannel, m.channel, -1)
	d.sysField(winlog.FieldComputer, m.computer, p.path(0, "host", "name"))
	d.sysField(winlog.FieldSecurityUserID, p.child(m.user, "identifier"), -1)

	d.dataMembers(m.data)
	d.userData(m.userData)
	msg := d.messageSpan(p.child(0, "message"))
	d.finishWindows(ev, msg)
}

// eventShape lays out an Event.System/Event.EventData document, in the
// dialects EVTX-to-JSON converters write: attributes under "#attributes",
// as "@Name" members, or in a sibling "Elem_attributes" object; element text
// as the value itself or under "#text".
func (d *Decoder) eventShape(ev *event.Event) {
	p := &d.p
	e := eventRoot(p)
	sys := p.child(e, "System")

	prov := p.child(sys, "Provider")
	d.sysField(winlog.FieldProviderName, d.attr(sys, prov, "Provider", "Name"), -1)
	d.sysField(winlog.FieldProviderGUID, d.attr(sys, prov, "Provider", "Guid"), -1)
	d.sysField(winlog.FieldEventSourceName, d.attr(sys, prov, "Provider", "EventSourceName"), -1)
	eid := p.child(sys, "EventID")
	d.sysField(winlog.FieldEventID, d.text(eid), -1)
	d.sysField(winlog.FieldQualifiers, d.attr(sys, eid, "EventID", "Qualifiers"), -1)
	d.sysField(winlog.FieldVersion, d.text(p.child(sys, "Version")), -1)
	d.sysField(winlog.FieldLevel, d.text(p.child(sys, "Level")), -1)
	d.sysField(winlog.FieldTask, d.text(p.child(sys, "Task")), -1)
	d.sysField(winlog.FieldOpcode, d.text(p.child(sys, "Opcode")), -1)
	d.sysField(winlog.FieldKeywords, d.text(p.child(sys, "Keywords")), -1)
	tc := p.child(sys, "TimeCreated")
	d.timeField(ev, d.attr(sys, tc, "TimeCreated", "SystemTime"), d.text(tc))
	d.sysField(winlog.FieldEventRecordID, d.text(p.child(sys, "EventRecordID")), -1)
	corr := p.child(sys, "Correlation")
	d.sysField(winlog.FieldActivityID, d.attr(sys, corr, "Correlation", "ActivityID"), -1)
	d.sysField(winlog.FieldRelatedActivityID, d.attr(sys, corr, "Correlation", "RelatedActivityID"), -1)
	exe := p.child(sys, "Execution")
	d.sysField(winlog.FieldExecutionProcessID, d.attr(sys, exe, "Execution", "ProcessID"), -1)
	d.sysField(winlog.FieldExecutionThreadID, d.attr(sys, exe, "Execution", "ThreadID"), -1)
	d.sysField(winlog.FieldChannel, d.text(p.child(sys, "Channel")), -1)
	d.sysField(winlog.FieldComputer, d.text(p.child(sys, "Computer")), -1)
	sec := p.child(sys, "Security")
	d.sysField(winlog.FieldSecurityUserID, d.attr(sys, sec, "Security", "UserID"), -1)

	d.eventData(p.child(e, "EventData"))
	d.userData(p.child(e, "UserData"))
	msg := d.messageSpan(d.text(p.path(e, "RenderingInfo", "Message")))
	d.finishWindows(ev, msg)
}

func (d *Decoder) finishWindows(ev *event.Event, msg span) {
	s := d.flushString(ev)
	winlog.Normalise(ev)
	if msg.n > 0 {
		ev.SetStr(event.Message, s[msg.off:msg.off+msg.n])
	}
}

// messageSpan puts the text of idx in out, outside any field, and returns
// where; the message becomes the Message field, not an original field.
func (d *Decoder) messageSpan(idx int32) span {
	if !d.p.isScalar(idx) {
		return span{}
	}
	off := int32(len(d.out))
	d.out = d.p.appendText(d.out, idx)
	return span{off, int32(len(d.out)) - off}
}

// present reports whether idx is a value worth a System field: not missing,
// null or empty.
func (d *Decoder) present(idx int32) bool {
	if idx < 0 {
		return false
	}
	n := &d.p.nodes[idx]
	switch n.kind {
	case kNull:
		return false
	case kStr:
		return n.val.n > 0
	case kObj, kArr:
		return n.first >= 0
	}
	return true
}

// sysField emits a System field from the first of a and b that is present.
func (d *Decoder) sysField(name string, a, b int32) {
	switch {
	case d.present(a):
		d.emit(name, a)
	case d.present(b):
		d.emit(name, b)
	}
}

// levelField emits Level from an ECS log.level name.
func (d *Decoder) levelField(idx int32) {
	v := d.p.bytes(d.p.nodes[idx].val)
	var num string
	switch {
	case bytes.EqualFold(v, []byte("critical")):
		num = "1"
	case bytes.EqualFold(v, []byte("error")):
		num = "2"
	case bytes.EqualFold(v, []byte("warning")):
		num = "3"
	case bytes.EqualFold(v, []byte("information")), bytes.EqualFold(v, []byte("info")):
		num = "4"
	case bytes.EqualFold(v, []byte("verbose")):
		num = "5"
	}
	if num != "" {
		d.emitText(winlog.FieldLevel, []byte(num))
	} else if len(v) > 0 {
		d.emit(winlog.FieldLevel, idx)
	}
}

// timeField emits TimeCreated from the first present of a and b, rewritten
// as ISO 8601 UTC when it parses, and sets ev.Time.
func (d *Decoder) timeField(ev *event.Event, a, b int32) {
	idx := a
	if !d.present(idx) {
		idx = b
	}
	if !d.present(idx) {
		return
	}
	if n := d.p.nodes[idx]; n.kind == kStr {
		if ns, err := event.ParseTime(string(d.p.bytes(n.val))); err == nil {
			ev.Time = ns
			off := int32(len(d.out))
			d.out = time.Unix(0, ns).UTC().AppendFormat(d.out, "2006-01-02T15:04:05.0000000Z")
			d.pend = append(d.pend, pending{cname: winlog.FieldTimeCreated, fromConst: true,
				valOff: off, valN: int32(len(d.out)) - off})
			return
		}
	}
	d.emit(winlog.FieldTimeCreated, idx)
}

// attr finds attribute name of element elem (a member of parent called
// elemName) in any of the converter dialects.
func (d *Decoder) attr(parent, elem int32, elemName, name string) int32 {
	p := &d.p
	if a := p.child(p.child(elem, "#attributes"), name); a >= 0 {
		return a
	}
	if a := p.child2(elem, "@", name, ""); a >= 0 {
		return a
	}
	if a := p.child(p.child2(parent, "", elemName, "_attributes"), name); a >= 0 {
		return a
	}
	if a := p.child(elem, name); p.isScalar(a) {
		return a
	}
	return -1
}

// text returns the node holding the text of element idx: idx itself when it
// is a plain value, its "#text" member when it is an object.
func (d *Decoder) text(idx int32) int32 {
	if idx < 0 {
		return -1
	}
	if d.p.nodes[idx].kind == kObj {
		return d.p.child(idx, "#text")
	}
	return idx
}

// isAttrKey reports whether an object member is converter markup rather
// than an element: attributes, text and namespace declarations.
func isAttrKey(k []byte) bool {
	return len(k) > 0 && (k[0] == '@' || k[0] == '#') ||
		bytes.HasSuffix(k, []byte("_attributes")) || string(k) == "xmlns" || string(k) == "xml_name"
}

// dataMembers emits Winlogbeat event_data members under their names.
func (d *Decoder) dataMembers(idx int32) {
	p := &d.p
	if idx < 0 || p.nodes[idx].kind != kObj {
		return
	}
	for c := p.nodes[idx].first; c >= 0; c = p.nodes[c].next {
		d.named(p.bytes(p.nodes[c].key), c)
	}
}

// named emits value c under name: once per element for arrays of plain
// values (repeated Data elements), as compact JSON for anything nested.
func (d *Decoder) named(name []byte, c int32) {
	p := &d.p
	switch p.nodes[c].kind {
	case kArr:
		if p.allScalar(c) && p.nodes[c].first >= 0 {
			for el := p.nodes[c].first; el >= 0; el = p.nodes[el].next {
				d.emitNamed(name, el)
			}
			return
		}
	case kObj:
		if t := p.child(c, "#text"); t >= 0 {
			d.named(name, t)
			return
		}
	}
	d.emitNamed(name, c)
}

func (p *parser) allScalar(idx int32) bool {
	for c := p.nodes[idx].first; c >= 0; c = p.nodes[c].next {
		if !p.isScalar(c) {
			return false
		}
	}
	return true
}

// eventData emits the EventData element of the Event shape: named members
// directly, and Data elements by their Name attribute (or as "Data").
func (d *Decoder) eventData(idx int32) {
	p := &d.p
	if idx < 0 {
		return
	}
	switch p.nodes[idx].kind {
	case kObj:
	case kArr:
		d.dataElements(idx)
		return
	default:
		if d.present(idx) {
			d.emit(winlog.FieldUnnamedData, idx)
		}
		return
	}
	for c := p.nodes[idx].first; c >= 0; c = p.nodes[c].next {
		k := p.bytes(p.nodes[c].key)
		switch {
		case isAttrKey(k):
		case string(k) == "Data":
			d.dataElements(c)
		default:
			d.named(k, c)
		}
	}
}

// dataElements emits one Data member: a value, an element object, or an
// array of those.
func (d *Decoder) dataElements(c int32) {
	p := &d.p
	if p.nodes[c].kind != kArr {
		d.dataElement(c)
		return
	}
	for el := p.nodes[c].first; el >= 0; el = p.nodes[el].next {
		d.dataElement(el)
	}
}

func (d *Decoder) dataElement(el int32) {
	p := &d.p
	n := p.nodes[el]
	switch n.kind {
	case kObj:
		name := d.attr(-1, el, "", "Name")
		t := p.child(el, "#text")
		if name >= 0 && p.nodes[name].kind == kStr && p.nodes[name].val.n > 0 {
			nb := p.bytes(p.nodes[name].val)
			if t < 0 || p.nodes[t].kind == kNull {
				d.emitNamedText(nb, nil)
				return
			}
			d.named(nb, t)
			return
		}
		if t >= 0 {
			d.named([]byte(winlog.FieldUnnamedData), t)
			return
		}
		if n.first < 0 {
			d.emitText(winlog.FieldUnnamedData, nil)
			return
		}
		d.emit(winlog.FieldUnnamedData, el)
	case kArr:
		d.named([]byte(winlog.FieldUnnamedData), el)
	default:
		d.emit(winlog.FieldUnnamedData, el)
	}
}

// userData emits the leaf elements of UserData under their leaf names.
func (d *Decoder) userData(idx int32) {
	p := &d.p
	if idx < 0 || p.nodes[idx].kind != kObj {
		return
	}
	for c := p.nodes[idx].first; c >= 0; c = p.nodes[c].next {
		k := p.bytes(p.nodes[c].key)
		if isAttrKey(k) {
			continue
		}
		switch p.nodes[c].kind {
		case kObj:
			if t := p.child(c, "#text"); t >= 0 {
				d.named(k, t)
			} else if p.nodes[c].first >= 0 {
				d.userData(c)
			}
		case kArr:
			for el := p.nodes[c].first; el >= 0; el = p.nodes[el].next {
				if p.nodes[el].kind == kObj {
					d.userData(el)
				} else {
					d.emitNamed(k, el)
				}
			}
		default:
			d.emitNamed(k, c)
		}
	}
}

// emitNamedText adds a field with name and value given as bytes.
func (d *Decoder) emitNamedText(name, val []byte) {
	noff := int32(len(d.out))
	d.out = append(d.out, name...)
	voff := int32(len(d.out))
	d.out = append(d.out, val...)
	d.pend = append(d.pend, pending{nameOff: noff, nameN: int32(len(name)), valOff: voff, valN: int32(len(val))})
}
