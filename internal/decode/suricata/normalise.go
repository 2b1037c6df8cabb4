package suricata

import (
	"strings"

	"github.com/firebreak-ir/firebreak/internal/decode/netfield"
	"github.com/firebreak-ir/firebreak/internal/event"
)

// op says how one original member feeds the normalised fields.
type op uint8

const (
	opNone        op = iota
	opStr            // the value, into a text field
	opInt            // an integer, into an integer field
	opTime           // timestamp
	opType           // event_type: the kind
	opHost           // host (the sensor name): the event's host
	opTransport      // proto: network.transport
	opAppProto       // app_proto: network.protocol unless "failed"
	opStart          // flow/netflow start
	opEnd            // flow/netflow end
	opAge            // flow/netflow age in seconds, when start/end are missing
	opHTTPHost       // http.hostname: url.domain and url.full
	opHTTPPort       // http.http_port: url.full
	opHTTPURL        // http.url: url.path and url.full
	opDNSVersion     // dns.version
	opDNSRdata       // dns.rdata (v1 answer): dns.answers.data
	opDNSAnswers     // dns.answers (v2/v3): the rdata of each answer
	opDNSGrouped     // dns.grouped.<type> (v2/v3): the answers by type
	opDNSQueries     // dns.queries (v3): the question
	opFileName       // fileinfo.filename, smb.filename: file.name
	opSMBShare       // smb.share: file.path with the file name
	opSMBStatus      // smb.status: event.outcome
	opAlertAction    // alert.action: event.action and event.outcome
	opAnomalyType    // anomaly.type: event.action
	opDNSType        // dns.type: event.action
	opRcode          // dns.rcode: dns.response_code
	opFirstRRName    // dns.rrname
	opFirstRRType    // dns.rrtype
	opFTPCommand     // ftp.command: event.action
	opKrbRealm       // krb5.realm: user.domain
)

// action is what to do with one original member.
type action struct {
	op  op
	str event.StrField
	num event.IntField
}

func toStr(f event.StrField) action { return action{op: opStr, str: f} }
func toInt(f event.IntField) action { return action{op: opInt, num: f} }
func special(o op) action           { return action{op: o} }

// rules maps a dotted original name to its normalisation. It is read-only.
var rules = map[string]action{
	"timestamp":      special(opTime),
	"event_type":     special(opType),
	"host":           special(opHost),
	"src_ip":         toStr(event.SourceIP),
	"src_port":       toInt(event.SourcePort),
	"dest_ip":        toStr(event.DestinationIP),
	"dest_port":      toInt(event.DestinationPort),
	"proto":          special(opTransport),
	"app_proto":      special(opAppProto),
	"community_id":   toStr(event.NetworkCommunityID),
	"ether.src_mac":  toStr(event.SourceMAC),
	"ether.dest_mac": toStr(event.DestinationMAC),

	"alert.signature": toStr(event.RuleName),
	"alert.action":    special(opAlertAction),

	"flow.pkts_toserver":  toInt(event.SourcePackets),
	"flow.pkts_toclient":  toInt(event.DestinationPackets),
	"flow.bytes_toserver": toInt(event.SourceBytes),
	"flow.bytes_toclient": toInt(event.DestinationBytes),
	"flow.start":          special(opStart),
	"flow.end":            special(opEnd),
	"flow.age":            special(opAge),

	"netflow.pkts":  toInt(event.SourcePackets),
	"netflow.bytes": toInt(event.SourceBytes),
	"netflow.start": special(opStart),
	"netflow.end":   special(opEnd),
	"netflow.age":   special(opAge),

	"dns.version": special(opDNSVersion),
	"dns.type":    special(opDNSType),
	"dns.rrname":  special(opFirstRRName),
	"dns.rrtype":  special(opFirstRRType),
	"dns.rcode":   special(opRcode),
	"dns.rdata":   special(opDNSRdata),
	"dns.answers": special(opDNSAnswers),
	"dns.queries": special(opDNSQueries),
	"dns.query":   special(opDNSQueries), // alert metadata (Suricata 6 and 7)

	"http.hostname":          special(opHTTPHost),
	"http.http_port":         special(opHTTPPort),
	"http.url":               special(opHTTPURL),
	"http.http_method":       toStr(event.HTTPRequestMethod),
	"http.http_user_agent":   toStr(event.UserAgentOriginal),
	"http.http_refer":        toStr(event.HTTPRequestReferrer),
	"http.status":            toInt(event.HTTPResponseStatusCode),
	"http.length":            toInt(event.HTTPResponseBodyBytes),
	"http.http_content_type": toStr(event.FileMIMEType),

	"tls.sni":      toStr(event.TLSServerName),
	"tls.version":  toStr(event.TLSVersion),
	"tls.subject":  toStr(event.TLSServerSubject),
	"tls.issuerdn": toStr(event.TLSServerIssuer),
	"tls.ja3.hash": toStr(event.TLSClientJA3),

	"fileinfo.filename": special(opFileName),
	"fileinfo.md5":      toStr(event.FileHashMD5),
	"fileinfo.sha1":     toStr(event.FileHashSHA1),
	"fileinfo.sha256":   toStr(event.FileHashSHA256),
	"fileinfo.size":     toInt(event.FileSize),

	"smb.command":        toStr(event.EventAction),
	"smb.status":         special(opSMBStatus),
	"smb.share":          special(opSMBShare),
	"smb.filename":       special(opFileName),
	"smb.ntlmssp.user":   toStr(event.UserName),
	"smb.ntlmssp.domain": toStr(event.UserDomain),
	"smb.ntlmssp.host":   toStr(event.SourceHostname),

	"ssh.client.software_version": toStr(event.UserAgentOriginal),

	"anomaly.event": toStr(event.RuleName),
	"anomaly.type":  special(opAnomalyType),

	"krb5.cname":      toStr(event.UserName),
	"krb5.realm":      special(opKrbRealm),
	"ftp.command":     special(opFTPCommand),
	"rdp.cookie":      toStr(event.UserName),
	"dhcp.client_mac": toStr(event.SourceMAC),
	"dhcp.hostname":   toStr(event.SourceHostname),
}

// scratch gathers what a line says before the fields that depend on several
// members are set.
type scratch struct {
	ts, eventType     string
	hasTime           bool
	start, end        string
	age               string
	httpHost, httpURL string
	httpPort          string
	hasHTTP           bool
	dnsVersion        string
	rrname, rrtype    string
	rdata             []string
	answers, queries  string
	grouped           []string
	share, fileName   string
}

func (sc *scratch) apply(ev *event.Event, a action, v string) {
	switch a.op {
	case opStr:
		if ev.Str(a.str) == "" {
			ev.SetStr(a.str, v)
		}
	case opInt:
		if n, ok := netfield.ParseInt(v); ok {
			ev.SetInt(a.num, n)
		}
	case opTime:
		sc.ts, sc.hasTime = v, true
	case opType:
		sc.eventType = v
	case opHost:
		ev.Host = v
	case opTransport:
		ev.SetStr(event.NetworkTransport, netfield.Transport(v))
	case opAppProto:
		if v != "failed" && v != "unknown" {
			ev.SetStr(event.NetworkProtocol, v)
		}
	case opStart:
		sc.start = v
	case opEnd:
		sc.end = v
	case opAge:
		sc.age = v
	case opHTTPHost:
		sc.httpHost, sc.hasHTTP = v, true
		ev.SetStr(event.URLDomain, netfield.StripPort(v))
	case opHTTPPort:
		sc.httpPort = v
	case opHTTPURL:
		sc.httpURL, sc.hasHTTP = v, true
		ev.SetStr(event.URLPath, netfield.URLPath(v))
	case opDNSVersion:
		sc.dnsVersion = v
	case opDNSType:
		ev.SetStr(event.EventAction, v)
	case opFirstRRName:
		sc.rrname = v
	case opFirstRRType:
		sc.rrtype = v
	case opRcode:
		ev.SetStr(event.DNSResponseCode, v)
	case opDNSRdata:
		sc.rdata = append(sc.rdata, v)
	case opDNSAnswers:
		sc.answers = v
	case opDNSQueries:
		sc.queries = v
	case opDNSGrouped:
		arrayValues(v, "", func(x string) { sc.grouped = append(sc.grouped, x) })
	case opFileName:
		sc.fileName = v
	case opSMBShare:
		sc.share = v
	case opSMBStatus:
		switch {
		case v == "STATUS_SUCCESS":
			ev.SetStr(event.EventOutcome, "success")
		case strings.HasPrefix(v, "STATUS_"):
			ev.SetStr(event.EventOutcome, "failure")
		}
	case opAlertAction:
		ev.SetStr(event.EventAction, v)
		switch v {
		case "allowed":
			ev.SetStr(event.EventOutcome, "success")
		case "blocked":
			ev.SetStr(event.EventOutcome, "failure")
		}
	case opAnomalyType, opFTPCommand:
		ev.SetStr(event.EventAction, v)
	case opKrbRealm:
		ev.SetStr(event.UserDomain, v)
	}
}

func (sc *scratch) finish(ev *event.Event) {
	// Duration of flow and netflow records.
	if sc.start != "" && sc.end != "" {
		s, ok1 := parseTime(sc.start)
		e, ok2 := parseTime(sc.end)
		if ok1 && ok2 && e >= s {
			ev.SetInt(event.EventDuration, e-s)
		}
	} else if sc.age != "" {
		if n, ok := netfield.ParseUint(sc.age); ok {
			ev.SetInt(event.EventDuration, n*1e9)
		}
	}
	if sc.hasHTTP {
		host := sc.httpHost
		if host != "" && sc.httpPort != "" && strings.IndexByte(host, ':') < 0 {
			host += ":" + sc.httpPort
		}
		port, _ := ev.Int(event.DestinationPort)
		if u := netfield.FullURL("http", host, sc.httpURL, ev.Str(event.DestinationIP), port); u != "" {
			ev.SetStr(event.URLFull, u)
		}
	}
	// DNS: the question, and the answers from whichever layout the line
	// has (v1: one rdata per record; v2: an answers array or answers
	// grouped by type; v3: a queries array too).
	name, qtype := sc.rrname, sc.rrtype
	if sc.queries != "" {
		arrayValues(sc.queries, "rrname", func(v string) {
			if name == "" {
				name = v
			}
		})
		arrayValues(sc.queries, "rrtype", func(v string) {
			if qtype == "" {
				qtype = v
			}
		})
	}
	if name != "" {
		ev.SetStr(event.DNSQuestionName, strings.TrimSuffix(name, "."))
	}
	if qtype != "" {
		ev.SetStr(event.DNSQuestionType, qtype)
	}
	if sc.answers != "" {
		arrayValues(sc.answers, "rdata", func(v string) { sc.rdata = append(sc.rdata, v) })
	}
	if len(sc.rdata) == 0 {
		sc.rdata = sc.grouped
	}
	if len(sc.rdata) > 0 {
		ev.SetStr(event.DNSAnswers, strings.Join(sc.rdata, ","))
	}
	// Files: a name, and for SMB the path within the share.
	if sc.fileName != "" {
		ev.SetStr(event.FileName, baseName(sc.fileName))
		if sc.share != "" {
			ev.SetStr(event.FilePath, netfield.JoinWinPath(sc.share, sc.fileName))
		} else if strings.IndexByte(sc.fileName, '\\') >= 0 {
			ev.SetStr(event.FilePath, sc.fileName)
		}
	} else if sc.share != "" {
		ev.SetStr(event.FilePath, sc.share)
	}
}

// baseName returns the last element of a Windows or slash path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}

// parseTime reads Suricata's timestamps ("2025-11-20T10:00:00.123456+0000")
// and other ISO 8601 forms.
func parseTime(s string) (int64, bool) {
	if ns, _, ok := netfield.ParseISO(s); ok {
		return ns, true
	}
	ns, err := event.ParseTime(s)
	return ns, err == nil
}
