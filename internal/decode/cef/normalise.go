package cef

import (
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// state gathers the extension values that are combined.
type state struct {
	rt, end, start string
	request        string
	labels         [7]string // csN labels
	values         [7]string // csN values
}

func (st *state) apply(ev *event.Event, k, v string) {
	if v == "" {
		return
	}
	switch k {
	case "src", "sourceAddress", "c6a2":
		ev.SetStr(event.SourceIP, v)
	case "dst", "destinationAddress", "c6a3":
		ev.SetStr(event.DestinationIP, v)
	case "spt", "sourcePort":
		setPort(ev, event.SourcePort, v)
	case "dpt", "destinationPort":
		setPort(ev, event.DestinationPort, v)
	case "proto", "transportProtocol":
		ev.SetStr(event.NetworkTransport, netfield.Transport(v))
	case "app", "applicationProtocol":
		ev.SetStr(event.NetworkProtocol, v)
	case "act", "deviceAction":
		ev.SetStr(event.EventAction, v)
		if o := netfield.Outcome(v); o != "" && ev.Str(event.EventOutcome) == "" {
			ev.SetStr(event.EventOutcome, o)
		}
	case "outcome", "eventOutcome":
		switch strings.ToLower(v) {
		case "success", "succeeded", "/success":
			ev.SetStr(event.EventOutcome, "success")
		case "failure", "failed", "/failure":
			ev.SetStr(event.EventOutcome, "failure")
		}
	case "in", "bytesIn":
		setUint(ev, event.SourceBytes, v)
	case "out", "bytesOut":
		setUint(ev, event.DestinationBytes, v)
	case "request", "requestURL":
		st.request = v
	case "requestMethod":
		ev.SetStr(event.HTTPRequestMethod, v)
	case "requestClientApplication":
		ev.SetStr(event.UserAgentOriginal, v)
	case "requestContext":
		ev.SetStr(event.HTTPRequestReferrer, v)
	case "suser", "sourceUserName":
		ev.SetStr(event.UserName, v)
	case "duser", "destinationUserName":
		ev.SetStr(event.TargetUserName, v)
	case "sntdom", "sourceNtDomain":
		ev.SetStr(event.UserDomain, v)
	case "shost", "sourceHostName":
		ev.SetStr(event.SourceHostname, v)
	case "dhost", "destinationHostName":
		ev.SetStr(event.DestinationDomain, v)
	case "smac", "sourceMacAddress":
		ev.SetStr(event.SourceMAC, v)
	case "dmac", "destinationMacAddress":
		ev.SetStr(event.DestinationMAC, v)
	case "fname", "fileName":
		ev.SetStr(event.FileName, v)
	case "filePath":
		ev.SetStr(event.FilePath, v)
	case "fsize", "fileSize":
		setUint(ev, event.FileSize, v)
	case "fileHash":
		switch len(v) {
		case 32:
			ev.SetStr(event.FileHashMD5, v)
		case 40:
			ev.SetStr(event.FileHashSHA1, v)
		case 64:
			ev.SetStr(event.FileHashSHA256, v)
		}
	case "sproc", "sourceProcessName":
		ev.SetStr(event.ProcessExecutable, v)
	case "spid", "sourceProcessId":
		setUint(ev, event.ProcessPID, v)
	case "msg", "message":
		ev.SetStr(event.Message, v)
	case "dvchost", "deviceHostName":
		ev.Host = v
	case "deviceDirection":
		switch v {
		case "0":
			ev.SetStr(event.NetworkDirection, "inbound")
		case "1":
			ev.SetStr(event.NetworkDirection, "outbound")
		}
	case "rt", "deviceReceiptTime":
		st.rt = v
	case "end", "endTime":
		st.end = v
	case "start", "startTime":
		st.start = v
	default:
		// cs1Label=Rule cs1=Allow-Web and the like.
		if len(k) >= 3 && k[:2] == "cs" && k[2] >= '1' && k[2] <= '6' {
			n := k[2] - '0'
			switch k[3:] {
			case "":
				st.values[n] = v
			case "Label":
				st.labels[n] = v
			}
		}
	}
}

func (st *state) finish(ev *event.Event) {
	if st.request != "" {
		if strings.Contains(st.request, "://") {
			ev.SetStr(event.URLFull, st.request)
			ev.SetStr(event.URLDomain, netfield.URLHost(st.request))
			ev.SetStr(event.URLPath, netfield.URLPath(st.request))
		} else {
			ev.SetStr(event.URLPath, netfield.URLPath(st.request))
		}
	}
	for n := 1; n <= 6; n++ {
		switch strings.ToLower(st.labels[n]) {
		case "rule", "rule name", "rulename", "policy", "policy name", "acl":
			if st.values[n] != "" {
				ev.SetStr(event.RuleName, st.values[n])
			}
		}
	}
}

// parseTime reads a CEF time: milliseconds since the epoch, or
// "MMM dd yyyy HH:mm:ss[.SSS] [zone]" as ArcSight writes it, or ISO 8601.
func parseTime(v string, loc func(int64) int64) (int64, bool) {
	if n, ok := netfield.ParseUint(v); ok {
		if len(v) <= 10 {
			return n * 1e9, true
		}
		return n * 1e6, true
	}
	if ns, zoned, ok := netfield.ParseISO(v); ok {
		if !zoned {
			ns = loc(ns)
		}
		return ns, true
	}
	// "Nov 20 2025 10:00:00" or with ".123" and an optional zone name.
	if len(v) < 20 || v[3] != ' ' || v[6] != ' ' || v[11] != ' ' {
		return 0, false
	}
	m := netfield.Month(v[:3])
	if m == 0 {
		return 0, false
	}
	iso := []byte("0000-00-00T")
	copy(iso, v[7:11])
	iso[5], iso[6] = byte('0'+m/10), byte('0'+m%10)
	iso[8], iso[9] = v[4], v[5]
	rest := v[12:]
	zone := ""
	if i := strings.IndexByte(rest, ' '); i >= 0 {
		rest, zone = rest[:i], rest[i+1:]
	}
	iso = append(iso, rest...)
	ns, _, ok := netfield.ParseISO(string(iso))
	if !ok {
		return 0, false
	}
	switch zone {
	case "UTC", "GMT", "Z":
		return ns, true
	}
	return loc(ns), true
}

func setPort(ev *event.Event, f event.IntField, v string) {
	if n, ok := netfield.Port(v); ok {
		ev.SetInt(f, n)
	}
}

func setUint(ev *event.Event, f event.IntField, v string) {
	if n, ok := netfield.ParseUint(v); ok {
		ev.SetInt(f, n)
	}
}
