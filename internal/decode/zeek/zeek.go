// Package zeek decodes the logs of the Zeek network monitor, in its two
// native forms: the ASCII writer's tab-separated files with their #-headers,
// and the JSON writer's one object per line.
//
// Every line becomes one Event of kind "zeek.<path>" (zeek.conn, zeek.dns,
// …; plain "zeek" when the log cannot be told). The original fields are
// kept in order under their Zeek names, unset fields left out, sets and
// vectors written as JSON arrays; the fields of the standard logs that have
// an Elastic Common Schema counterpart are normalised (see normalise.go).
// Decoding streams line by line and allocates one string per line in the
// common case.
package zeek

import (
	"bytes"

	"github.com/firebreak-ir/firebreak/internal/decode"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// TSV is Zeek's tab-separated ASCII log format.
var TSV = decode.Format{
	Name:   "zeek-tsv",
	Detect: detectTSV,
	Open:   openTSV,
}

// JSON is Zeek's JSON log format (LogAscii::use_json, or JSON streaming).
var JSON = decode.Format{
	Name:   "zeek-json",
	Detect: detectJSON,
	Open:   openJSON,
}

var bom = []byte("\xef\xbb\xbf")

// detectTSV recognises the header every Zeek ASCII log starts with.
func detectTSV(head []byte) bool {
	head = bytes.TrimPrefix(head, bom)
	return bytes.HasPrefix(head, []byte("#separator"))
}

// detectJSON recognises a first line that is a JSON object with a ts and one
// of the fields Zeek logs carry (_path, uid, id.orig_h, fuid).
func detectJSON(head []byte) bool {
	full := len(head) >= decode.HeadSize
	head = bytes.TrimPrefix(head, bom)
	var line []byte
	cut := false
	for len(head) > 0 {
		i := bytes.IndexByte(head, '\n')
		if i < 0 {
			line, head = head, nil
			cut = full
		} else {
			line, head = head[:i], head[i+1:]
		}
		line = bytes.TrimSpace(line)
		if len(line) > 0 {
			break
		}
	}
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	var ev event.Event
	var ln jsonLine
	var p scanner
	if err := p.parseLine(string(line), &ev, &ln); err != nil {
		if !cut {
			return false
		}
		// The head ended inside a long first line: look for the keys.
		return bytes.Contains(line, []byte(`"ts":`)) &&
			(bytes.Contains(line, []byte(`"_path":`)) || bytes.Contains(line, []byte(`"uid":`)) ||
				bytes.Contains(line, []byte(`"id.orig_h":`)) || bytes.Contains(line, []byte(`"fuid":`)))
	}
	if !ln.hasTS {
		return false
	}
	for _, f := range ev.Raw {
		switch f.Name {
		case "_path", "uid", "id.orig_h", "fuid":
			return true
		}
	}
	return false
}
