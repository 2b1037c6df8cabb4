package winlog

import (
	"strconv"
	"strings"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// Normalise sets ev's Kind, Host, Time (when still 0) and normalised fields
// from the original fields a decoder laid out by the contract of this
// package. It only adds: ev.Raw is left exactly as it was.
//
// The System fields are the leading run of ev.Raw whose names are System
// field names, none repeated; everything after that run is event data.
// A value of "-", which Windows writes for "none", is treated as absent.
func Normalise(ev *event.Event) {
	n := norm{ev: ev}
	n.split()

	channel := n.sys[sysChannel]
	provider := n.sys[sysProviderName]
	if provider == "" {
		provider = n.sys[sysEventSourceName]
	}
	ev.Kind = KindOf(channel, provider)
	if channel != "" {
		ev.SetStr(event.WinlogChannel, channel)
	}
	if provider != "" {
		ev.SetStr(event.EventProvider, provider)
	}
	if c := n.sys[sysComputer]; c != "" {
		ev.Host = c
	}
	if ev.Time == 0 && n.sys[sysTimeCreated] != "" {
		if t, err := event.ParseTime(strings.TrimSpace(n.sys[sysTimeCreated])); err == nil {
			ev.Time = t
		}
	}
	if v, ok := parseInt(n.sys[sysEventRecordID]); ok {
		ev.SetInt(event.WinlogRecordID, v)
	}

	id := -1
	if s := strings.TrimSpace(n.sys[sysEventID]); s != "" {
		if v, ok := parseInt(s); ok && v >= 0 && v <= 0xffffffff {
			id = int(v)
			if !isCanonicalDecimal(s) {
				s = strconv.Itoa(id)
			}
		}
		ev.SetStr(event.EventCode, s)
	}
	if o := keywordsOutcome(n.sys[sysKeywords]); o != "" {
		ev.SetStr(event.EventOutcome, o)
	}

	switch ev.Kind {
	case KindSysmon:
		n.sysmon(id)
	case KindSecurity:
		n.security(id)
	case KindSystem:
		n.system(id)
	case KindPowerShell:
		n.powershell(id)
	case KindDefender:
		n.defender(id)
	case KindTaskScheduler:
		n.taskScheduler(id)
	case KindWMI:
		n.wmi(id)
	case KindRDP:
		n.rdp(id)
	}
}

// norm is the working state of one Normalise call.
type norm struct {
	ev   *event.Event
	sys  [numSys]string
	data []event.Field
}

// split finds the System fields: the longest prefix of Raw whose names are
// System names, each at most once. Contract order is expected but not
// required. A repeated name ends the prefix, which keeps a data field that
// shares a System name (UserData of event 104 has a Channel) out of the
// System set.
func (n *norm) split() {
	raw := n.ev.Raw
	var seen uint32
	i := 0
	for ; i < len(raw); i++ {
		k := SystemIndex(raw[i].Name)
		if k < 0 || seen&(1<<k) != 0 {
			break
		}
		seen |= 1 << k
		n.sys[k] = raw[i].Value
	}
	n.data = raw[i:]
}

// get returns the first event-data field called name, "" when it is absent,
// empty or "-".
func (n *norm) get(name string) string {
	for i := range n.data {
		if n.data[i].Name == name {
			v := n.data[i].Value
			if v == "-" {
				return ""
			}
			return v
		}
	}
	return ""
}

func (n *norm) str(f event.StrField, name string) {
	if v := n.get(name); v != "" {
		n.ev.SetStr(f, v)
	}
}

// pid sets a process id field from name when it holds a positive id;
// Windows writes 0x0 when there is no process.
func (n *norm) pid(f event.IntField, name string) {
	if v, ok := parseInt(n.get(name)); ok && v > 0 {
		n.ev.SetInt(f, v)
	}
}

// port sets a port field from name when it holds 1..65535; Windows writes
// 0 or "-" when there is no port.
func (n *norm) port(f event.IntField, name string) {
	if v, ok := parseInt(n.get(name)); ok && v > 0 && v <= 65535 {
		n.ev.SetInt(f, v)
	}
}

// ip sets an IP field from name when it holds an address; "-", "LOCAL" and
// other non-addresses leave the field as it was.
func (n *norm) ip(f event.StrField, name string) {
	v := n.get(name)
	if v == "" {
		return
	}
	if c, ok := event.CanonicalIP(v); ok {
		n.ev.SetStr(f, c)
	}
}

// path sets FilePath and FileName from a full path.
func (n *norm) path(name string) {
	if v := n.get(name); v != "" {
		setPath(n.ev, v)
	}
}

func setPath(ev *event.Event, p string) {
	ev.SetStr(event.FilePath, p)
	ev.SetStr(event.FileName, baseName(p))
}

// user sets UserName and UserDomain from a DOMAIN\user value.
func (n *norm) user(name string) {
	if v := n.get(name); v != "" {
		setUser(n.ev, v)
	}
}

func setUser(ev *event.Event, v string) {
	if i := strings.LastIndexByte(v, '\\'); i >= 0 {
		if d := v[:i]; d != "" {
			ev.SetStr(event.UserDomain, d)
		}
		v = v[i+1:]
	}
	if v != "" {
		ev.SetStr(event.UserName, v)
	}
}

// userPair sets UserName and UserDomain from separate name and domain
// fields, as Security events write them.
func (n *norm) userPair(nameField, domainField string) {
	if v := n.get(nameField); v != "" {
		n.ev.SetStr(event.UserName, v)
		if d := n.get(domainField); d != "" {
			n.ev.SetStr(event.UserDomain, d)
		}
	}
}

// hashes sets FileHash* from a Sysmon hash list: "SHA1=…,MD5=…,SHA256=…,IMPHASH=…".
func (n *norm) hashes(name string) {
	v := n.get(name)
	for v != "" {
		var item string
		item, v, _ = strings.Cut(v, ",")
		k, h, ok := strings.Cut(strings.TrimSpace(item), "=")
		if !ok || h == "" || strings.EqualFold(h, "Unknown") {
			continue
		}
		switch {
		case strings.EqualFold(k, "SHA256"):
			n.ev.SetStr(event.FileHashSHA256, h)
		case strings.EqualFold(k, "SHA1"):
			n.ev.SetStr(event.FileHashSHA1, h)
		case strings.EqualFold(k, "MD5"):
			n.ev.SetStr(event.FileHashMD5, h)
		}
	}
}

func (n *norm) action(a string) { n.ev.SetStr(event.EventAction, a) }

func (n *norm) outcome(o string) { n.ev.SetStr(event.EventOutcome, o) }

// sysmon maps Microsoft-Windows-Sysmon/Operational events.
func (n *norm) sysmon(id int) {
	// Fields that mean the same in every Sysmon event that has them.
	n.str(event.ProcessExecutable, "Image")
	n.pid(event.ProcessPID, "ProcessId")
	n.user("User")
	n.hashes("Hashes")
	n.hashes("Hash") // FileCreateStreamHash in recent schemas
	n.path("TargetFilename")
	n.str(event.RuleName, "RuleName")

	switch id {
	case 1:
		n.action("process_create")
		n.str(event.ProcessCommandLine, "CommandLine")
		n.str(event.ProcessParentExecutable, "ParentImage")
		n.str(event.ProcessParentCommandLine, "ParentCommandLine")
		n.pid(event.ProcessParentPID, "ParentProcessId")
	case 2:
		n.action("file_create_time")
	case 3:
		n.action("network_connection")
		n.ip(event.SourceIP, "SourceIp")
		n.port(event.SourcePort, "SourcePort")
		n.ip(event.DestinationIP, "DestinationIp")
		n.port(event.DestinationPort, "DestinationPort")
		n.str(event.NetworkTransport, "Protocol")
		n.str(event.SourceHostname, "SourceHostname")
		n.str(event.DestinationDomain, "DestinationHostname")
		switch strings.ToLower(n.get("Initiated")) {
		case "true":
			n.ev.SetStr(event.NetworkDirection, "egress")
		case "false":
			n.ev.SetStr(event.NetworkDirection, "ingress")
		}
	case 4:
		n.action("sysmon_state_change")
	case 5:
		n.action("process_terminate")
	case 6:
		n.action("driver_load")
		n.path("ImageLoaded")
	case 7:
		n.action("image_load")
		n.path("ImageLoaded")
	case 8, 10:
		if id == 8 {
			n.action("create_remote_thread")
		} else {
			n.action("process_access")
		}
		n.str(event.ProcessExecutable, "SourceImage")
		n.pid(event.ProcessPID, "SourceProcessId")
		n.user("SourceUser")
	case 9:
		n.action("raw_access_read")
		n.path("Device")
	case 11:
		n.action("file_create")
	case 12:
		switch n.get("EventType") {
		case "CreateKey":
			n.action("registry_add")
		case "DeleteKey", "DeleteValue":
			n.action("registry_delete")
		default:
			n.action("registry_event")
		}
	case 13:
		n.action("registry_set")
	case 14:
		n.action("registry_rename")
	case 15:
		n.action("file_stream_hash")
	case 16:
		n.action("sysmon_config_change")
	case 17:
		n.action("pipe_created")
		n.path("PipeName")
	case 18:
		n.action("pipe_connected")
		n.path("PipeName")
	case 19:
		n.action("wmi_filter")
	case 20:
		n.action("wmi_consumer")
	case 21:
		n.action("wmi_binding")
	case 22:
		n.action("dns_query")
		n.str(event.DNSQuestionName, "QueryName")
		n.str(event.DNSAnswers, "QueryResults")
		switch s := n.get("QueryStatus"); s {
		case "":
		case "0":
			n.ev.SetStr(event.DNSResponseCode, "NOERROR")
		case "9003":
			n.ev.SetStr(event.DNSResponseCode, "NXDOMAIN")
		case "9002":
			n.ev.SetStr(event.DNSResponseCode, "SERVFAIL")
		case "9005":
			n.ev.SetStr(event.DNSResponseCode, "REFUSED")
		default:
			n.ev.SetStr(event.DNSResponseCode, s)
		}
	case 23:
		n.action("file_delete")
	case 24:
		n.action("clipboard_change")
	case 25:
		n.action("process_tampering")
	case 26:
		n.action("file_delete_detected")
	case 27:
		n.action("file_block_executable")
	case 28:
		n.action("file_block_shredding")
	case 29:
		n.action("file_executable_detected")
	case 255:
		n.action("sysmon_error")
	}
}

// security maps Security channel events (Microsoft-Windows-Security-Auditing
// and the event log service's 1102).
func (n *norm) security(id int) {
	switch id {
	case 4624, 4625, 4634, 4647:
		switch id {
		case 4624:
			n.action("logon")
			n.outcome("success")
		case 4625:
			n.action("logon_failed")
			n.outcome("failure")
		default:
			n.action("logoff")
		}
		n.userPair("TargetUserName", "TargetDomainName")
		n.ip(event.SourceIP, "IpAddress")
		n.port(event.SourcePort, "IpPort")
		n.str(event.SourceHostname, "WorkstationName")
		n.str(event.ProcessExecutable, "ProcessName")
		n.pid(event.ProcessPID, "ProcessId")
	case 4648:
		// A process used explicit credentials to reach TargetServerName;
		// the address is the server's.
		n.action("logon_explicit")
		n.outcome("success")
		n.userPair("SubjectUserName", "SubjectDomainName")
		n.str(event.TargetUserName, "TargetUserName")
		n.ip(event.DestinationIP, "IpAddress")
		n.port(event.DestinationPort, "IpPort")
		n.str(event.ProcessExecutable, "ProcessName")
		n.pid(event.ProcessPID, "ProcessId")
	case 4672:
		n.action("special_privileges")
		n.outcome("success")
		n.userPair("SubjectUserName", "SubjectDomainName")
	case 4688:
		n.action("process_create")
		n.outcome("success")
		n.userPair("SubjectUserName", "SubjectDomainName")
		n.str(event.TargetUserName, "TargetUserName")
		n.str(event.ProcessExecutable, "NewProcessName")
		n.str(event.ProcessCommandLine, "CommandLine")
		n.str(event.ProcessParentExecutable, "ParentProcessName")
		n.pid(event.ProcessPID, "NewProcessId")
		n.pid(event.ProcessParentPID, "ProcessId")
	case 4689:
		n.action("process_terminate")
		n.userPair("SubjectUserName", "SubjectDomainName")
		n.str(event.ProcessExecutable, "ProcessName")
		n.pid(event.ProcessPID, "ProcessId")
	case 4697:
		n.action("service_install")
		n.userPair("SubjectUserName", "SubjectDomainName")
		n.str(event.ServiceName, "ServiceName")
		n.str(event.ProcessExecutable, "ServiceFileName")
		n.str(event.ProcessExecutable, "ImageFile")
		n.str(event.ProcessExecutable, "ImagePath")
	case 4698, 4699, 4700, 4701, 4702:
		// TaskName stays in Raw: no normalised field means "task".
		n.action([...]string{"scheduled_task_create", "scheduled_task_delete",
			"scheduled_task_enable", "scheduled_task_disable", "scheduled_task_update"}[id-4698])
		n.userPair("SubjectUserName", "SubjectDomainName")
	case 4768, 4769, 4771:
		switch id {
		case 4768:
			n.action("kerberos_tgt_request")
		case 4769:
			n.action("kerberos_service_ticket")
			n.str(event.ServiceName, "ServiceName")
		default:
			n.action("kerberos_preauth_failed")
		}
		n.userPair("TargetUserName", "TargetDomainName")
		n.ip(event.SourceIP, "IpAddress")
		n.port(event.SourcePort, "IpPort")
		n.statusOutcome("Status")
	case 4776:
		n.action("ntlm_auth")
		n.str(event.UserName, "TargetUserName")
		n.str(event.SourceHostname, "Workstation")
		n.statusOutcome("Status")
	case 4778, 4779:
		if id == 4778 {
			n.action("session_reconnect")
		} else {
			n.action("session_disconnect")
		}
		n.userPair("AccountName", "AccountDomain")
		n.ip(event.SourceIP, "ClientAddress")
		n.str(event.SourceHostname, "ClientName")
	case 5140, 5145:
		if id == 5140 {
			n.action("share_access")
		} else {
			n.action("share_object_access")
		}
		n.userPair("SubjectUserName", "SubjectDomainName")
		n.ip(event.SourceIP, "IpAddress")
		n.port(event.SourcePort, "IpPort")
		n.path("RelativeTargetName")
	case 5156, 5157:
		if id == 5156 {
			n.action("network_connection")
			n.outcome("success")
		} else {
			n.action("network_connection_blocked")
			n.outcome("failure")
		}
		n.ip(event.SourceIP, "SourceAddress")
		n.port(event.SourcePort, "SourcePort")
		n.ip(event.DestinationIP, "DestAddress")
		n.port(event.DestinationPort, "DestPort")
		if t := transportName(n.get("Protocol")); t != "" {
			n.ev.SetStr(event.NetworkTransport, t)
		}
		switch d := n.get("Direction"); {
		case d == "%%14592" || strings.EqualFold(d, "Inbound"):
			n.ev.SetStr(event.NetworkDirection, "ingress")
		case d == "%%14593" || strings.EqualFold(d, "Outbound"):
			n.ev.SetStr(event.NetworkDirection, "egress")
		}
		n.str(event.ProcessExecutable, "Application")
		n.pid(event.ProcessPID, "ProcessID")
	case 1102:
		n.action("log_cleared")
		n.userPair("SubjectUserName", "SubjectDomainName")
	case 4719:
		n.action("audit_policy_change")
		n.userPair("SubjectUserName", "SubjectDomainName")
	default:
		switch id {
		case 4720:
			n.action("user_create")
		case 4722:
			n.action("user_enable")
		case 4723:
			n.action("password_change")
		case 4724:
			n.action("password_reset")
		case 4725:
			n.action("user_disable")
		case 4726:
			n.action("user_delete")
		case 4728, 4732, 4756:
			n.action("group_member_add")
		case 4729, 4733, 4757:
			n.action("group_member_remove")
		case 4738:
			n.action("user_change")
		case 4740:
			n.action("account_lockout")
		}
		n.userPair("SubjectUserName", "SubjectDomainName")
		n.str(event.TargetUserName, "TargetUserName")
	}
}

// statusOutcome sets the outcome from an NTSTATUS or Kerberos status field:
// 0 is success, anything else failure.
func (n *norm) statusOutcome(name string) {
	if v, ok := parseInt(n.get(name)); ok {
		if v == 0 {
			n.outcome("success")
		} else {
			n.outcome("failure")
		}
	}
}

// system maps System channel events.
func (n *norm) system(id int) {
	switch id {
	case 7045:
		n.action("service_install")
		n.str(event.ServiceName, "ServiceName")
		n.str(event.ProcessExecutable, "ImagePath")
	case 7036:
		n.action("service_state_change")
		n.str(event.ServiceName, "param1")
	case 7040:
		n.action("service_start_type_change")
		n.str(event.ServiceName, "param1")
	case 104:
		n.action("log_cleared")
		n.userPair("SubjectUserName", "SubjectDomainName")
	}
}

// powershell maps Windows PowerShell and PowerShell/Operational events.
// Script text stays in Raw (ScriptBlockText, Payload): it is not a command
// line.
func (n *norm) powershell(id int) {
	switch id {
	case 4104:
		n.action("script_block")
		n.path("Path")
	case 4103:
		n.action("pipeline_execution")
	case 4100:
		n.action("powershell_error")
	case 400, 403, 600, 800:
		n.action([...]string{"engine_start", "engine_stop", "provider_start", "pipeline_execution"}[map400(id)])
		// Classic events put "HostApplication=…" inside an unnamed Data
		// element; that is the command line of the PowerShell host.
		for i := range n.data {
			if n.data[i].Name != FieldUnnamedData {
				continue
			}
			if cl := keyLine(n.data[i].Value, "HostApplication="); cl != "" {
				n.ev.SetStr(event.ProcessCommandLine, cl)
				break
			}
		}
	}
}

func map400(id int) int {
	switch id {
	case 400:
		return 0
	case 403:
		return 1
	case 600:
		return 2
	}
	return 3
}

// keyLine returns the text after key up to the end of its line in a
// PowerShell classic-event detail block.
func keyLine(s, key string) string {
	i := strings.Index(s, key)
	if i < 0 {
		return ""
	}
	s = s[i+len(key):]
	if j := strings.IndexAny(s, "\r\n"); j >= 0 {
		s = s[:j]
	}
	return strings.TrimSpace(s)
}

// defender maps Microsoft-Windows-Windows Defender/Operational events.
func (n *norm) defender(id int) {
	switch id {
	case 1006, 1015, 1116:
		n.action("malware_detected")
	case 1007, 1117:
		n.action("malware_action_taken")
		n.outcome("success")
	case 1008, 1118, 1119:
		n.action("malware_action_failed")
		n.outcome("failure")
	case 5001:
		n.action("realtime_protection_disabled")
	case 5007:
		n.action("config_change")
	case 5010, 5012:
		n.action("scanning_disabled")
	default:
		return
	}
	n.str(event.RuleName, "Threat Name")
	n.user("Detection User")
	n.str(event.ProcessExecutable, "Process Name")
	if p := defenderPath(n.get("Path")); p != "" {
		setPath(n.ev, p)
	}
}

// defenderPath returns the first file of a Defender resource list such as
// "file:_C:\x\a.exe; process:_pid:123". A value without resource prefixes is
// returned as it is.
func defenderPath(v string) string {
	if v == "" {
		return ""
	}
	rest := v
	for rest != "" {
		var item string
		item, rest, _ = strings.Cut(rest, ";")
		item = strings.TrimSpace(item)
		if p, ok := strings.CutPrefix(item, "file:_"); ok && p != "" {
			return p
		}
		if p, ok := strings.CutPrefix(item, "containerfile:_"); ok && p != "" {
			return p
		}
	}
	if strings.Contains(v, ":_") {
		return ""
	}
	return v
}

// taskScheduler maps Microsoft-Windows-TaskScheduler/Operational events.
// TaskName stays in Raw.
func (n *norm) taskScheduler(id int) {
	switch id {
	case 106:
		n.action("scheduled_task_create")
		n.user("UserContext")
	case 140:
		n.action("scheduled_task_update")
		n.user("UserName")
	case 141:
		n.action("scheduled_task_delete")
		n.user("UserName")
	case 129:
		n.action("scheduled_task_process_create")
		n.str(event.ProcessExecutable, "Path")
		n.pid(event.ProcessPID, "ProcessID")
	case 200:
		n.action("scheduled_task_action_start")
		n.str(event.ProcessExecutable, "ActionName")
	case 201:
		n.action("scheduled_task_action_complete")
		n.str(event.ProcessExecutable, "ActionName")
	}
}

// wmi maps Microsoft-Windows-WMI-Activity/Operational events.
func (n *norm) wmi(id int) {
	switch id {
	case 5857:
		n.action("wmi_provider_load")
		n.path("ProviderPath")
		n.pid(event.ProcessPID, "ProcessID")
	case 5858:
		n.action("wmi_error")
		n.user("User")
		n.str(event.SourceHostname, "ClientMachine")
	case 5860:
		n.action("wmi_temporary_subscription")
	case 5861:
		n.action("wmi_permanent_subscription")
	}
}

// rdp maps TerminalServices and RemoteDesktopServices events.
func (n *norm) rdp(id int) {
	switch id {
	case 21, 22, 23, 24, 25:
		n.action([...]string{"rdp_logon", "rdp_shell_start", "rdp_logoff",
			"rdp_disconnect", "rdp_reconnect"}[id-21])
		n.user("User")
		n.ip(event.SourceIP, "Address")
	case 1149:
		n.action("rdp_auth_success")
		n.userPair("Param1", "Param2")
		n.ip(event.SourceIP, "Param3")
	case 261:
		n.action("rdp_connection_received")
	}
}

// transportName maps an IANA protocol number, as WFP events write it, to a
// transport name. Names pass through.
func transportName(v string) string {
	switch v {
	case "":
		return ""
	case "1":
		return "icmp"
	case "2":
		return "igmp"
	case "6":
		return "tcp"
	case "17":
		return "udp"
	case "47":
		return "gre"
	case "50":
		return "esp"
	case "58":
		return "ipv6-icmp"
	case "132":
		return "sctp"
	}
	if v[0] >= '0' && v[0] <= '9' {
		return ""
	}
	return v
}

// Keyword bits of Security audit events.
const (
	keywordAuditFailure = 0x0010000000000000
	keywordAuditSuccess = 0x0020000000000000
)

// keywordsOutcome reads an audit outcome from a Keywords value written as a
// number ("0x8020000000000000") or as names ("Audit Success", or a JSON list
// of names).
func keywordsOutcome(v string) string {
	if v == "" {
		return ""
	}
	if u, ok := parseUint(v); ok {
		switch {
		case u&keywordAuditFailure != 0:
			return "failure"
		case u&keywordAuditSuccess != 0:
			return "success"
		}
		return ""
	}
	switch {
	case containsFold(v, "Audit Failure"):
		return "failure"
	case containsFold(v, "Audit Success"):
		return "success"
	}
	return ""
}

func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}

// parseInt reads a decimal or 0x-prefixed hexadecimal integer, as Windows
// writes process ids and statuses.
func parseInt(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		u, ok := parseHex(s[2:])
		if !ok || u > 1<<63-1 {
			return 0, false
		}
		return int64(u), true
	}
	if s == "" {
		return 0, false
	}
	neg := false
	if s[0] == '-' {
		neg, s = true, s[1:]
		if s == "" {
			return 0, false
		}
	}
	var v int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' || v > (1<<63-1)/10 {
			return 0, false
		}
		v = v*10 + int64(c-'0')
		if v < 0 {
			return 0, false
		}
	}
	if neg {
		v = -v
	}
	return v, true
}

func parseUint(s string) (uint64, bool) {
	s = strings.TrimSpace(s)
	if len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') {
		return parseHex(s[2:])
	}
	if s == "" {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' || v > (1<<64-1)/10 {
			return 0, false
		}
		d := uint64(c - '0')
		if v*10 > 1<<64-1-d {
			return 0, false
		}
		v = v*10 + d
	}
	return v, true
}

func parseHex(s string) (uint64, bool) {
	if s == "" || len(s) > 16 {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		v = v<<4 | uint64(d)
	}
	return v, true
}

func isCanonicalDecimal(s string) bool {
	if s == "" || len(s) > 1 && s[0] == '0' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// baseName returns the last element of a Windows or POSIX path.
func baseName(p string) string {
	if i := strings.LastIndexAny(p, `\/`); i >= 0 {
		return p[i+1:]
	}
	return p
}
