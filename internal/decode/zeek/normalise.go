package zeek

import (
	"strconv"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// op says how one original field feeds the normalised fields.
type op uint8

const (
	opNone       op = iota
	opStr           // the value, into a text field
	opInt           // an integer, into an integer field
	opDuration      // seconds, into an integer field in nanoseconds
	opFirst         // the first element of a list, into a text field
	opJoin          // the elements of a list joined by ",", into a text field
	opOutcome       // a bool, into event.outcome as success/failure
	opHost          // http host: url.domain, and url.full with the uri
	opURI           // http uri: url.path, and url.full with the host
	opSMBPath       // smb_files path: file.path with the name
	opSMBName       // smb_files name: file.name and file.path
	opLocalOrig     // conn local_orig: network.direction
	opLocalResp     // conn local_resp: network.direction
	opTotalBytes    // files total_bytes: file.size
	opSeenBytes     // files seen_bytes: file.size when total_bytes is unset
	opKrbClient     // kerberos client "user/REALM": user.name, user.domain
	opRDPResult     // rdp result: event.outcome when it says
	opDHCPClient    // dhcp client_addr: source.ip
	opDHCPAssign    // dhcp assigned_addr: source.ip when client_addr is unset
	opSWType        // software software_type
	opSWVersion     // software unparsed_version: message, user agent of browsers
	opEndpoint      // dce_rpc endpoint: event.action when operation is unset
	opOperation     // dce_rpc operation: event.action
)

// action is what to do with one original field.
type action struct {
	op  op
	str event.StrField
	num event.IntField
}

func toStr(f event.StrField) action { return action{op: opStr, str: f} }
func toInt(f event.IntField) action { return action{op: opInt, num: f} }
func special(o op) action           { return action{op: o} }

// logType is what the decoder knows of one Zeek log: its kind and how its
// fields map to the normalised ones.
type logType struct {
	path  string
	kind  string
	rules map[string]action
}

func (lt *logType) rule(name string) action { return lt.rules[name] }

// common applies to every log: the connection 4-tuple and the Community ID.
var common = map[string]action{
	"id.orig_h":    toStr(event.SourceIP),
	"id.orig_p":    toInt(event.SourcePort),
	"id.resp_h":    toStr(event.DestinationIP),
	"id.resp_p":    toInt(event.DestinationPort),
	"community_id": toStr(event.NetworkCommunityID),
}

// specific holds the fields of the standard logs beyond the common ones.
var specific = map[string]map[string]action{
	"conn": {
		"proto":        toStr(event.NetworkTransport),
		"service":      toStr(event.NetworkProtocol),
		"duration":     {op: opDuration, num: event.EventDuration},
		"orig_bytes":   toInt(event.SourceBytes),
		"resp_bytes":   toInt(event.DestinationBytes),
		"orig_pkts":    toInt(event.SourcePackets),
		"resp_pkts":    toInt(event.DestinationPackets),
		"conn_state":   toStr(event.ConnState),
		"orig_l2_addr": toStr(event.SourceMAC),
		"resp_l2_addr": toStr(event.DestinationMAC),
		"local_orig":   special(opLocalOrig),
		"local_resp":   special(opLocalResp),
	},
	"dns": {
		"proto":      toStr(event.NetworkTransport),
		"query":      toStr(event.DNSQuestionName),
		"qtype_name": toStr(event.DNSQuestionType),
		"rcode_name": toStr(event.DNSResponseCode),
		"answers":    {op: opJoin, str: event.DNSAnswers},
	},
	"http": {
		"method":            toStr(event.HTTPRequestMethod),
		"host":              special(opHost),
		"uri":               special(opURI),
		"referrer":          toStr(event.HTTPRequestReferrer),
		"user_agent":        toStr(event.UserAgentOriginal),
		"status_code":       toInt(event.HTTPResponseStatusCode),
		"request_body_len":  toInt(event.HTTPRequestBodyBytes),
		"response_body_len": toInt(event.HTTPResponseBodyBytes),
		"resp_mime_types":   {op: opFirst, str: event.FileMIMEType},
		"resp_filenames":    {op: opFirst, str: event.FileName},
		"username":          toStr(event.UserName),
	},
	"ssl": {
		"server_name": toStr(event.TLSServerName),
		"version":     toStr(event.TLSVersion),
		"ja3":         toStr(event.TLSClientJA3),
		"subject":     toStr(event.TLSServerSubject),
		"issuer":      toStr(event.TLSServerIssuer),
	},
	"x509": {
		"certificate.subject": toStr(event.TLSServerSubject),
		"certificate.issuer":  toStr(event.TLSServerIssuer),
	},
	"files": {
		"md5":         toStr(event.FileHashMD5),
		"sha1":        toStr(event.FileHashSHA1),
		"sha256":      toStr(event.FileHashSHA256),
		"filename":    toStr(event.FileName),
		"mime_type":   toStr(event.FileMIMEType),
		"source":      toStr(event.NetworkProtocol),
		"duration":    {op: opDuration, num: event.EventDuration},
		"total_bytes": special(opTotalBytes),
		"seen_bytes":  special(opSeenBytes),
		"tx_hosts":    {op: opFirst, str: event.SourceIP},
		"rx_hosts":    {op: opFirst, str: event.DestinationIP},
	},
	"smb_files": {
		"path":   special(opSMBPath),
		"name":   special(opSMBName),
		"action": toStr(event.EventAction),
		"size":   toInt(event.FileSize),
	},
	"smb_mapping": {
		"path": toStr(event.FilePath),
	},
	"dce_rpc": {
		"endpoint":  special(opEndpoint),
		"operation": special(opOperation),
	},
	"ntlm": {
		"username":   toStr(event.UserName),
		"domainname": toStr(event.UserDomain),
		"hostname":   toStr(event.SourceHostname),
		"success":    special(opOutcome),
	},
	"kerberos": {
		"client":       special(opKrbClient),
		"request_type": toStr(event.EventAction),
		"success":      special(opOutcome),
	},
	"rdp": {
		"cookie":      toStr(event.UserName),
		"result":      special(opRDPResult),
		"client_name": toStr(event.SourceHostname),
	},
	"dhcp": {
		"client_addr":   special(opDHCPClient),
		"assigned_addr": special(opDHCPAssign),
		"server_addr":   toStr(event.DestinationIP),
		"mac":           toStr(event.SourceMAC),
		"host_name":     toStr(event.SourceHostname),
		"duration":      {op: opDuration, num: event.EventDuration},
	},
	"notice": {
		"note":  toStr(event.RuleName),
		"msg":   toStr(event.Message),
		"proto": toStr(event.NetworkTransport),
		"src":   toStr(event.SourceIP),
		"dst":   toStr(event.DestinationIP),
		"p":     toInt(event.DestinationPort),
	},
	"weird": {
		"name": toStr(event.RuleName),
		"addl": toStr(event.Message),
	},
	"software": {
		"host":             toStr(event.SourceIP),
		"host_p":           toInt(event.SourcePort),
		"name":             toStr(event.ServiceName),
		"software_type":    special(opSWType),
		"unparsed_version": special(opSWVersion),
	},
	"ssh": {
		"auth_success": special(opOutcome),
	},
	"ftp": {
		"user":    toStr(event.UserName),
		"command": toStr(event.EventAction),
	},
	"signatures": {
		"src_addr":  toStr(event.SourceIP),
		"src_port":  toInt(event.SourcePort),
		"dst_addr":  toStr(event.DestinationIP),
		"dst_port":  toInt(event.DestinationPort),
		"sig_id":    toStr(event.RuleName),
		"event_msg": toStr(event.Message),
	},
}

// known holds the logType of every standard log; built once, never changed.
var known = func() map[string]*logType {
	m := make(map[string]*logType, len(specific))
	for path, sp := range specific {
		rules := make(map[string]action, len(common)+len(sp))
		for k, v := range common {
			rules[k] = v
		}
		for k, v := range sp {
			rules[k] = v
		}
		m[path] = &logType{path: path, kind: "zeek." + path, rules: rules}
	}
	return m
}()

// unknownType is the log whose type could not be told.
var unknownType = &logType{kind: "zeek", rules: common}

// newType returns the logType for path: a standard one, or a new one that
// normalises only the common fields.
func newType(path string) *logType {
	if path == "" {
		return unknownType
	}
	if lt, ok := known[path]; ok {
		return lt
	}
	return &logType{path: path, kind: "zeek." + path, rules: common}
}

// scratch gathers, for one record, the values that feed a normalised field
// together with others.
type scratch struct {
	host, uri        string
	smbPath, smbName string
	endpoint, opname string
	dhcpAssigned     string
	swType, swVer    string
	total, seen      int64
	hasTotal         bool
	hasSeen          bool
	hasDHCPClient    bool
	localOrig        int8 // 0 unknown, 1 true, 2 false
	localResp        int8
}

// boolOf reads a Zeek bool: T/F in TSV, true/false in JSON.
func boolOf(v string) int8 {
	switch v {
	case "T", "true":
		return 1
	case "F", "false":
		return 2
	}
	return 0
}

// apply feeds one original field to the normalised fields. num is the value
// already parsed by a typed TSV column when hasNum is set (nanoseconds for
// intervals).
func (sc *scratch) apply(ev *event.Event, a action, v string, num int64, hasNum bool) {
	if a.op == opNone || (v == "" && !hasNum) {
		return
	}
	switch a.op {
	case opStr:
		ev.SetStr(a.str, v)
	case opInt:
		if !hasNum {
			var ok bool
			if num, ok = parseInt(v); !ok {
				return
			}
		}
		ev.SetInt(a.num, num)
	case opDuration:
		if !hasNum {
			var ok bool
			if num, ok = parseSeconds(v); !ok {
				return
			}
		}
		ev.SetInt(a.num, num)
	case opFirst:
		if f, ok := firstElem(v); ok {
			ev.SetStr(a.str, f)
		}
	case opJoin:
		if j := joinElems(v); j != "" {
			ev.SetStr(a.str, j)
		}
	case opOutcome:
		switch boolOf(v) {
		case 1:
			ev.SetStr(event.EventOutcome, "success")
		case 2:
			ev.SetStr(event.EventOutcome, "failure")
		}
	case opHost:
		sc.host = v
		ev.SetStr(event.URLDomain, netfield.StripPort(v))
	case opURI:
		sc.uri = v
		ev.SetStr(event.URLPath, v)
	case opSMBPath:
		sc.smbPath = v
	case opSMBName:
		sc.smbName = v
	case opLocalOrig:
		sc.localOrig = boolOf(v)
	case opLocalResp:
		sc.localResp = boolOf(v)
	case opTotalBytes, opSeenBytes:
		if !hasNum {
			var ok bool
			if num, ok = parseInt(v); !ok {
				return
			}
		}
		if a.op == opTotalBytes {
			sc.total, sc.hasTotal = num, true
		} else {
			sc.seen, sc.hasSeen = num, true
		}
	case opKrbClient:
		if i := strings.LastIndexByte(v, '/'); i >= 0 {
			ev.SetStr(event.UserName, v[:i])
			ev.SetStr(event.UserDomain, v[i+1:])
		} else {
			ev.SetStr(event.UserName, v)
		}
	case opRDPResult:
		if o := rdpOutcome(v); o != "" {
			ev.SetStr(event.EventOutcome, o)
		}
	case opDHCPClient:
		if ev.SetStr(event.SourceIP, v) {
			sc.hasDHCPClient = true
		}
	case opDHCPAssign:
		sc.dhcpAssigned = v
	case opSWType:
		sc.swType = v
	case opSWVersion:
		sc.swVer = v
	case opEndpoint:
		sc.endpoint = v
	case opOperation:
		sc.opname = v
	}
}

// rdpOutcome maps the result of an RDP connection to success or failure,
// or "" when the result does not say (encrypted sessions).
func rdpOutcome(v string) string {
	l := strings.ToLower(v)
	switch {
	case l == "success":
		return "success"
	case strings.Contains(l, "reject"), strings.Contains(l, "not allowed"),
		strings.Contains(l, "required"), strings.Contains(l, "fail"),
		strings.Contains(l, "not supported"):
		return "failure"
	}
	return ""
}

// finish sets the normalised fields that need several original ones.
func (sc *scratch) finish(ev *event.Event) {
	if sc.host != "" || sc.uri != "" {
		if u := fullURL(ev, sc.host, sc.uri); u != "" {
			ev.SetStr(event.URLFull, u)
		}
	}
	if sc.smbPath != "" || sc.smbName != "" {
		ev.SetStr(event.FilePath, netfield.JoinWinPath(sc.smbPath, sc.smbName))
		if sc.smbName != "" {
			ev.SetStr(event.FileName, baseWin(sc.smbName))
		}
	}
	if sc.localOrig != 0 && sc.localResp != 0 {
		var d string
		switch {
		case sc.localOrig == 1 && sc.localResp == 1:
			d = "internal"
		case sc.localOrig == 1:
			d = "outbound"
		case sc.localResp == 1:
			d = "inbound"
		default:
			d = "external"
		}
		ev.SetStr(event.NetworkDirection, d)
	}
	switch {
	case sc.hasTotal:
		ev.SetInt(event.FileSize, sc.total)
	case sc.hasSeen:
		ev.SetInt(event.FileSize, sc.seen)
	}
	if sc.dhcpAssigned != "" && !sc.hasDHCPClient {
		ev.SetStr(event.SourceIP, sc.dhcpAssigned)
	}
	if sc.swVer != "" {
		ev.SetStr(event.Message, sc.swVer)
		if strings.HasSuffix(sc.swType, "BROWSER") {
			ev.SetStr(event.UserAgentOriginal, sc.swVer)
		}
	}
	switch {
	case sc.opname != "":
		ev.SetStr(event.EventAction, sc.opname)
	case sc.endpoint != "":
		ev.SetStr(event.EventAction, sc.endpoint)
	}
}

// fullURL rebuilds the URL of an HTTP request from the Host header and the
// request target, falling back to the server address without a Host.
func fullURL(ev *event.Event, host, uri string) string {
	if netfield.HasPrefixFold(uri, "http://") || netfield.HasPrefixFold(uri, "https://") {
		return uri // absolute form, as sent to a proxy
	}
	if uri != "" && uri[0] != '/' {
		return "" // CONNECT authority or OPTIONS *
	}
	if host == "" {
		ip := ev.Str(event.DestinationIP)
		if ip == "" {
			return ""
		}
		if strings.IndexByte(ip, ':') >= 0 {
			ip = "[" + ip + "]"
		}
		if p, ok := ev.Int(event.DestinationPort); ok && p != 80 {
			ip += ":" + strconv.FormatInt(p, 10)
		}
		host = ip
	}
	if uri == "" {
		uri = "/"
	}
	return "http://" + host + uri
}

// baseWin returns the last element of a Windows or slash path.
func baseWin(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}
