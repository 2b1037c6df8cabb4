// Package event defines the Event, the one record shape that every decoder
// produces and every detector, store and report reads.
//
// An Event carries a UTC timestamp in nanoseconds, the kind of source it came
// from (zeek.conn, sysmon, security, …), the host that observed it, a closed
// set of typed normalised fields named after the Elastic Common Schema, and the
// original fields of the record, in their original order and under their
// native names, so that Sigma rules and analysts can still use those.
//
// Events are built for reuse: a decoder fills one in place, and Reset keeps
// the capacity of the original-field slice, so decoding a record allocates
// little beyond the strings it must keep.
package event

import (
	"strings"
)

// Field is one original field of a record, under its native name. Values are
// text as the source wrote them; list values are written as a JSON array.
type Field struct {
	Name  string
	Value string
}

// Event is one normalised record.
type Event struct {
	// Time is the event time in nanoseconds since the Unix epoch, UTC.
	Time int64
	// Kind is the source kind, such as "zeek.conn" or "sysmon".
	Kind string
	// Host is the host that observed or logged the event (a sensor, a
	// Windows computer name); empty when the source does not say.
	Host string
	// Seq locates the record in its input: a line number for text formats,
	// a record number or offset for binary ones. With the import it came
	// from, it lets every stored event be traced back to its evidence.
	Seq int64
	// Raw holds the original fields in input order.
	Raw []Field

	str    [NumStr]string
	num    [NumInt]int64
	numSet uint64
}

// Reset clears e for reuse, keeping the capacity of Raw.
func (e *Event) Reset() {
	raw := e.Raw[:0]
	*e = Event{}
	e.Raw = raw
}

// Str returns the value of a text field, "" when unset.
func (e *Event) Str(f StrField) string { return e.str[f] }

// Int returns the value of an integer field and whether it is set.
func (e *Event) Int(f IntField) (int64, bool) {
	return e.num[f], e.numSet&(1<<f) != 0
}

// HasInt reports whether an integer field is set.
func (e *Event) HasInt(f IntField) bool { return e.numSet&(1<<f) != 0 }

// SetInt sets an integer field.
func (e *Event) SetInt(f IntField, v int64) {
	e.num[f] = v
	e.numSet |= 1 << f
}

// ClearInt unsets an integer field.
func (e *Event) ClearInt(f IntField) {
	e.num[f] = 0
	e.numSet &^= 1 << f
}

// SetStr sets a text field, canonicalising it according to its kind: IP
// addresses are checked and written canonically, lower-case kinds are folded.
// It reports false, leaving the field unset, when an IP field is given text
// that is not an IP address. Setting "" unsets the field.
func (e *Event) SetStr(f StrField, v string) bool {
	switch strInfo[f].Kind {
	case KindIP:
		c, ok := CanonicalIP(v)
		if !ok {
			e.str[f] = ""
			return v == ""
		}
		e.str[f] = c
	case KindLower:
		e.str[f] = lower(v)
	default:
		e.str[f] = v
	}
	return true
}

// AddRaw appends an original field.
func (e *Event) AddRaw(name, value string) {
	e.Raw = append(e.Raw, Field{Name: name, Value: value})
}

// RawValue returns the value of the first original field with the given
// name.
func (e *Event) RawValue(name string) (string, bool) {
	for i := range e.Raw {
		if e.Raw[i].Name == name {
			return e.Raw[i].Value, true
		}
	}
	return "", false
}

// lower folds ASCII upper case and leaves s alone (no allocation) when it has
// none; non-ASCII text goes through strings.ToLower.
func lower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}
