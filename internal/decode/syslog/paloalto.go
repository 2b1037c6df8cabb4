package syslog

import (
	"strconv"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// The columns of PAN-OS traffic and threat logs in syslog (CSV) form, under
// the names PAN-OS gives them in custom log formats. Columns past the end
// of these lists (later PAN-OS versions add some) are named "field_<n>".
var (
	panCommon = []string{"future_use1", "receive_time", "serial", "type", "subtype", "future_use2",
		"time_generated", "src", "dst", "natsrc", "natdst", "rule", "srcuser", "dstuser", "app", "vsys",
		"from", "to", "inbound_if", "outbound_if", "logset", "future_use3", "sessionid", "repeatcnt",
		"sport", "dport", "natsport", "natdport", "flags", "proto", "action"}
	panTraffic = append(panCommon[:len(panCommon):len(panCommon)], "bytes", "bytes_sent",
		"bytes_received", "packets", "start", "elapsed", "category", "future_use4", "seqno", "actionflags",
		"srcloc", "dstloc", "future_use5", "pkts_sent", "pkts_received", "session_end_reason",
		"dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3", "dg_hier_level_4", "vsys_name",
		"device_name", "action_source")
	panThreat = append(panCommon[:len(panCommon):len(panCommon)], "misc", "threatid", "category",
		"severity", "direction", "seqno", "actionflags", "srcloc", "dstloc", "future_use4", "contenttype",
		"pcap_id", "filedigest", "cloud", "url_idx", "user_agent", "filetype", "xff", "referer", "sender",
		"subject", "recipient", "reportid", "dg_hier_level_1", "dg_hier_level_2", "dg_hier_level_3",
		"dg_hier_level_4", "vsys_name", "device_name", "future_use5", "src_uuid", "dst_uuid", "http_method")
)

// panType returns the log type of a PAN-OS CSV record ("TRAFFIC",
// "THREAT", …), or "".
func panType(msg string) string {
	// future_use,receive_time,serial,type,
	s := msg
	for range 3 {
		i := strings.IndexByte(s, ',')
		if i < 0 {
			return ""
		}
		s = s[i+1:]
	}
	t, _, ok := strings.Cut(s, ",")
	if !ok {
		return ""
	}
	switch t {
	case "TRAFFIC", "THREAT", "SYSTEM", "CONFIG", "HIPMATCH", "GLOBALPROTECT", "USERID", "DECRYPTION",
		"AUTHENTICATION", "TUNNEL", "CORRELATION", "IPTAG", "SCTP", "GTP":
		return t
	}
	return ""
}

// paloalto decodes a PAN-OS traffic or threat CSV record. It returns the
// generation time in loc (device-local), when readable.
func paloalto(ev *event.Event, msg string, fields []string, loc zoneFunc) (t int64, hasTime bool, f []string, reason string) {
	f, ok := netfield.SplitCSV(msg, ',', fields[:0])
	if !ok {
		return 0, false, f, "unterminated quoted field in " + event.Quote(msg)
	}
	if len(f) < 5 {
		return 0, false, f, "PAN-OS record with " + strconv.Itoa(len(f)) + " fields: " + event.Quote(msg)
	}
	names := panCommon
	switch f[3] {
	case "TRAFFIC":
		ev.Kind, names = "paloalto.traffic", panTraffic
	case "THREAT":
		ev.Kind, names = "paloalto.threat", panThreat
	default:
		ev.Kind = "paloalto." + strings.ToLower(f[3])
	}
	var misc, subtype string
	for i, v := range f {
		var name string
		if i < len(names) {
			name = names[i]
		} else {
			name = "field_" + strconv.Itoa(i)
		}
		if v == "" {
			continue
		}
		ev.AddRaw(name, v)
		switch name {
		case "subtype":
			subtype = v
		case "time_generated":
			if ns, ok := panTime(v); ok {
				t, hasTime = loc(ns), true
			}
		case "src":
			ev.SetStr(event.SourceIP, v)
		case "dst":
			ev.SetStr(event.DestinationIP, v)
		case "sport":
			setPort(ev, event.SourcePort, v)
		case "dport":
			setPort(ev, event.DestinationPort, v)
		case "proto":
			ev.SetStr(event.NetworkTransport, netfield.Transport(v))
		case "app":
			if v != "incomplete" && v != "not-applicable" {
				ev.SetStr(event.NetworkProtocol, v)
			}
		case "action":
			ev.SetStr(event.EventAction, v)
			if o := netfield.Outcome(v); o != "" {
				ev.SetStr(event.EventOutcome, o)
			}
		case "rule":
			ev.SetStr(event.RuleName, v)
		case "srcuser":
			ev.SetStr(event.UserName, v)
		case "bytes_sent":
			setUint(ev, event.SourceBytes, v)
		case "bytes_received":
			setUint(ev, event.DestinationBytes, v)
		case "pkts_sent":
			setUint(ev, event.SourcePackets, v)
		case "pkts_received":
			setUint(ev, event.DestinationPackets, v)
		case "elapsed":
			if n, ok := netfield.ParseUint(v); ok {
				ev.SetInt(event.EventDuration, n*1e9)
			}
		case "misc":
			misc = v
		case "threatid":
			ev.SetStr(event.RuleName, v) // the threat, rather than the policy
		case "filedigest":
			ev.SetStr(event.FileHashSHA256, v)
		case "user_agent":
			ev.SetStr(event.UserAgentOriginal, v)
		case "referer":
			ev.SetStr(event.HTTPRequestReferrer, v)
		case "http_method":
			ev.SetStr(event.HTTPRequestMethod, strings.ToUpper(v))
		case "device_name":
			if ev.Host == "" {
				ev.Host = v
			}
		}
	}
	if misc != "" {
		switch subtype {
		case "url":
			u := misc
			if !strings.Contains(u, "://") {
				u = "http://" + u
			}
			ev.SetStr(event.URLFull, u)
			ev.SetStr(event.URLDomain, netfield.URLHost(u))
			ev.SetStr(event.URLPath, netfield.URLPath(u))
		default:
			ev.SetStr(event.FileName, misc)
		}
	}
	return t, hasTime, f, ""
}

// panTime reads "2025/11/20 10:00:00" as a wall-clock time.
func panTime(v string) (int64, bool) {
	if len(v) != 19 || v[4] != '/' || v[7] != '/' {
		return 0, false
	}
	b := []byte(v)
	b[4], b[7] = '-', '-'
	ns, _, ok := netfield.ParseISO(string(b))
	return ns, ok
}

func setPort(ev *event.Event, f event.IntField, v string) {
	if n, ok := netfield.Port(v); ok {
		ev.SetInt(f, n)
	}
}
