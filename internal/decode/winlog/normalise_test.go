package winlog

import (
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// mk builds an event from name, value pairs.
func mk(kv ...string) *event.Event {
	ev := &event.Event{}
	for i := 0; i+1 < len(kv); i += 2 {
		ev.AddRaw(kv[i], kv[i+1])
	}
	return ev
}

// sys returns the usual System fields of a test event.
func sys(provider, id, channel string, more ...string) []string {
	kv := []string{
		"Provider_Name", provider,
		"EventID", id,
		"Keywords", "0x8000000000000000",
		"TimeCreated", "2024-03-01T10:20:30.1234567Z",
		"EventRecordID", "4242",
		"Channel", channel,
		"Computer", "ws01.corp.example",
	}
	return append(kv, more...)
}

// withKeywords replaces the Keywords value of kv.
func withKeywords(kv []string, k string) []string {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i] == "Keywords" {
			kv[i+1] = k
		}
	}
	return kv
}

func sysmonEv(id string, data ...string) []string {
	return sys("Microsoft-Windows-Sysmon", id, "Microsoft-Windows-Sysmon/Operational", data...)
}

func securityEv(id string, data ...string) []string {
	kv := []string{
		"Provider_Name", "Microsoft-Windows-Security-Auditing",
		"Provider_Guid", "{54849625-5478-4994-a5ba-3e3b0328c30d}",
		"EventID", id,
		"Version", "2",
		"Level", "0",
		"Task", "12544",
		"Opcode", "0",
		"Keywords", "0x8020000000000000",
		"TimeCreated", "2024-03-01T10:20:30.1234567Z",
		"EventRecordID", "4242",
		"Execution_ProcessID", "652",
		"Execution_ThreadID", "700",
		"Channel", "Security",
		"Computer", "dc01.corp.example",
	}
	return append(kv, data...)
}

// fields returns every normalised field that is set, by ECS name, with
// integers in decimal.
func fields(ev *event.Event) map[string]string {
	m := map[string]string{}
	for f := range event.NumStr {
		if v := ev.Str(event.StrField(f)); v != "" {
			m[event.StrField(f).String()] = v
		}
	}
	for f := range event.NumInt {
		if v, ok := ev.Int(event.IntField(f)); ok {
			m[event.IntField(f).String()] = strconv.FormatInt(v, 10)
		}
	}
	return m
}

func TestNormalise(t *testing.T) {
	t0 := time.Date(2024, 3, 1, 10, 20, 30, 123456700, time.UTC).UnixNano()
	tests := []struct {
		name string
		raw  []string
		kind string
		host string
		want map[string]string // every normalised field that must be set; others must be unset
	}{
		{
			name: "sysmon 1 process create",
			raw: sysmonEv("1",
				"RuleName", "technique_id=T1059.001,technique_name=PowerShell",
				"UtcTime", "2024-03-01 10:20:30.123",
				"ProcessGuid", "{a1b2c3d4-0000-0000-0000-000000000001}",
				"ProcessId", "6012",
				"Image", `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
				"CommandLine", `powershell.exe -nop -w hidden -enc SQBFAFgA`,
				"CurrentDirectory", `C:\Users\alice\`,
				"User", `CORP\alice`,
				"Hashes", "SHA1=AAAA,MD5=BBBB,SHA256=CCCC,IMPHASH=DDDD",
				"ParentProcessId", "4410",
				"ParentImage", `C:\Windows\explorer.exe`,
				"ParentCommandLine", `C:\Windows\Explorer.EXE`,
			),
			kind: "sysmon", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "event.provider": "Microsoft-Windows-Sysmon",
				"event.code": "1", "winlog.record_id": "4242", "event.action": "process_create",
				"rule.name":                   "technique_id=T1059.001,technique_name=PowerShell",
				"process.executable":          `C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe`,
				"process.command_line":        `powershell.exe -nop -w hidden -enc SQBFAFgA`,
				"process.parent.executable":   `C:\Windows\explorer.exe`,
				"process.parent.command_line": `C:\Windows\Explorer.EXE`,
				"process.pid":                 "6012", "process.parent.pid": "4410",
				"user.name": "alice", "user.domain": "CORP",
				"file.hash.sha1": "aaaa", "file.hash.md5": "bbbb", "file.hash.sha256": "cccc",
			},
		},
		{
			name: "sysmon 3 network",
			raw: sysmonEv("3",
				"RuleName", "-",
				"ProcessId", "1234",
				"Image", `C:\Temp\beacon.exe`,
				"User", `NT AUTHORITY\SYSTEM`,
				"Protocol", "tcp",
				"Initiated", "true",
				"SourceIsIpv6", "false",
				"SourceIp", "10.0.0.5",
				"SourceHostname", "ws01.corp.example",
				"SourcePort", "49812",
				"DestinationIsIpv6", "false",
				"DestinationIp", "203.0.113.7",
				"DestinationHostname", "C2.Example.NET",
				"DestinationPort", "443",
				"DestinationPortName", "https",
			),
			kind: "sysmon", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "event.provider": "Microsoft-Windows-Sysmon",
				"event.code": "3", "winlog.record_id": "4242", "event.action": "network_connection",
				"process.executable": `C:\Temp\beacon.exe`, "process.pid": "1234",
				"user.name": "SYSTEM", "user.domain": "NT AUTHORITY",
				"network.transport": "tcp", "network.direction": "egress",
				"source.ip": "10.0.0.5", "source.port": "49812", "source.hostname": "ws01.corp.example",
				"destination.ip": "203.0.113.7", "destination.port": "443", "destination.domain": "c2.example.net",
			},
		},
		{
			name: "sysmon 11 file create",
			raw: sysmonEv("11", "ProcessId", "88", "Image", `C:\x\a.exe`,
				"TargetFilename", `C:\Users\alice\AppData\Local\Temp\payload.dll`),
			kind: "sysmon", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "event.provider": "Microsoft-Windows-Sysmon",
				"event.code": "11", "winlog.record_id": "4242", "event.action": "file_create",
				"process.executable": `C:\x\a.exe`, "process.pid": "88",
				"file.path": `C:\Users\alice\AppData\Local\Temp\payload.dll`, "file.name": "payload.dll",
			},
		},
		{
			name: "sysmon 13 registry stays raw",
			raw: sysmonEv("13", "EventType", "SetValue", "ProcessId", "88", "Image", `C:\x\a.exe`,
				"TargetObject", `HKU\S-1-5-21\Software\Microsoft\Windows\CurrentVersion\Run\x`,
				"Details", `C:\x\a.exe`),
			kind: "sysmon", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "event.provider": "Microsoft-Windows-Sysmon",
				"event.code": "13", "winlog.record_id": "4242", "event.action": "registry_set",
				"process.executable": `C:\x\a.exe`, "process.pid": "88",
			},
		},
		{
			name: "sysmon 7 image load",
			raw: sysmonEv("7", "ProcessId", "88", "Image", `C:\x\a.exe`,
				"ImageLoaded", `C:\Windows\System32\dbghelp.dll`, "Hashes", "SHA256=EE,IMPHASH=Unknown"),
			kind: "sysmon", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "event.provider": "Microsoft-Windows-Sysmon",
				"event.code": "7", "winlog.record_id": "4242", "event.action": "image_load",
				"process.executable": `C:\x\a.exe`, "process.pid": "88",
				"file.path": `C:\Windows\System32\dbghelp.dll`, "file.name": "dbghelp.dll", "file.hash.sha256": "ee",
			},
		},
		{
			name: "sysmon 15 stream hash",
			raw: sysmonEv("15", "Image", `C:\b.exe`, "TargetFilename", `C:\d\f.txt:Zone.Identifier`,
				"Hash", "SHA256=ABCD"),
			kind: "sysmon", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "event.provider": "Microsoft-Windows-Sysmon",
				"event.code": "15", "winlog.record_id": "4242", "event.action": "file_stream_hash",
				"process.executable": `C:\b.exe`,
				"file.path":          `C:\d\f.txt:Zone.Identifier`, "file.name": "f.txt:Zone.Identifier", "file.hash.sha256": "abcd",
			},
		},
		{
			name: "sysmon 17 pipe",
			raw:  sysmonEv("17", "EventType", "CreatePipe", "PipeName", `\msagent_12`, "Image", `C:\b.exe`),
			kind: "sysmon", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "event.provider": "Microsoft-Windows-Sysmon",
				"event.code": "17", "winlog.record_id": "4242", "event.action": "pipe_created",
				"process.executable": `C:\b.exe`, "file.path": `\msagent_12`, "file.name": "msagent_12",
			},
		},
		{
			name: "sysmon 22 dns",
			raw: sysmonEv("22", "ProcessId", "5", "QueryName", "Evil.Example.com", "QueryStatus", "9003",
				"QueryResults", "-", "Image", `C:\b.exe`, "User", `CORP\bob`),
			kind: "sysmon", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Sysmon/Operational", "event.provider": "Microsoft-Windows-Sysmon",
				"event.code": "22", "winlog.record_id": "4242", "event.action": "dns_query",
				"process.executable": `C:\b.exe`, "process.pid": "5", "user.name": "bob", "user.domain": "CORP",
				"dns.question.name": "evil.example.com", "dns.response_code": "NXDOMAIN",
			},
		},
		{
			name: "security 4624 network logon",
			raw: securityEv("4624",
				"SubjectUserSid", "S-1-0-0", "SubjectUserName", "-", "SubjectDomainName", "-",
				"TargetUserName", "alice", "TargetDomainName", "CORP", "LogonType", "3",
				"WorkstationName", "WS07", "ProcessId", "0x0", "ProcessName", "-",
				"IpAddress", "::ffff:10.0.0.7", "IpPort", "51234"),
			kind: "security", host: "dc01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Security-Auditing",
				"event.code": "4624", "winlog.record_id": "4242", "event.action": "logon", "event.outcome": "success",
				"user.name": "alice", "user.domain": "CORP", "source.ip": "10.0.0.7", "source.port": "51234",
				"source.hostname": "WS07",
			},
		},
		{
			name: "security 4625 failure without address",
			raw: withKeywords(securityEv("4625", "TargetUserName", "admin", "TargetDomainName", "-",
				"IpAddress", "-", "IpPort", "-", "Status", "0xc000006d"), "0x8010000000000000"),
			kind: "security", host: "dc01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Security-Auditing",
				"event.code": "4625", "winlog.record_id": "4242", "event.action": "logon_failed", "event.outcome": "failure",
				"user.name": "admin",
			},
		},
		{
			name: "security 4688 process create",
			raw: securityEv("4688",
				"SubjectUserSid", "S-1-5-21-1-2-3-1104", "SubjectUserName", "alice", "SubjectDomainName", "CORP",
				"SubjectLogonId", "0x3e7", "NewProcessId", "0x1a2c", "NewProcessName", `C:\Windows\System32\cmd.exe`,
				"TokenElevationType", "%%1936", "ProcessId", "0x10f4", "CommandLine", `cmd.exe /c whoami`,
				"TargetUserSid", "S-1-0-0", "TargetUserName", "-", "TargetDomainName", "-",
				"ParentProcessName", `C:\Windows\explorer.exe`),
			kind: "security", host: "dc01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Security-Auditing",
				"event.code": "4688", "winlog.record_id": "4242", "event.action": "process_create", "event.outcome": "success",
				"user.name": "alice", "user.domain": "CORP",
				"process.executable": `C:\Windows\System32\cmd.exe`, "process.command_line": `cmd.exe /c whoami`,
				"process.parent.executable": `C:\Windows\explorer.exe`, "process.pid": "6700", "process.parent.pid": "4340",
			},
		},
		{
			name: "security 4697 service install",
			raw: securityEv("4697", "SubjectUserName", "alice", "SubjectDomainName", "CORP",
				"ServiceName", "PSEXESVC", "ServiceFileName", `%SystemRoot%\PSEXESVC.exe`),
			kind: "security", host: "dc01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Security-Auditing",
				"event.code": "4697", "winlog.record_id": "4242", "event.action": "service_install", "event.outcome": "success",
				"user.name": "alice", "user.domain": "CORP", "service.name": "PSEXESVC",
				"process.executable": `%SystemRoot%\PSEXESVC.exe`,
			},
		},
		{
			name: "security 4698 task stays raw",
			raw: securityEv("4698", "SubjectUserName", "alice", "SubjectDomainName", "CORP",
				"TaskName", `\Updater`, "TaskContent", "<Task/>"),
			kind: "security", host: "dc01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Security-Auditing",
				"event.code": "4698", "winlog.record_id": "4242", "event.action": "scheduled_task_create", "event.outcome": "success",
				"user.name": "alice", "user.domain": "CORP",
			},
		},
		{
			name: "security 5145 share",
			raw: securityEv("5145", "SubjectUserName", "alice", "SubjectDomainName", "CORP",
				"IpAddress", "10.0.0.9", "IpPort", "50111", "ShareName", `\\*\ADMIN$`,
				"ShareLocalPath", `\??\C:\Windows`, "RelativeTargetName", `PSEXESVC.exe`),
			kind: "security", host: "dc01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Security-Auditing",
				"event.code": "5145", "winlog.record_id": "4242", "event.action": "share_object_access", "event.outcome": "success",
				"user.name": "alice", "user.domain": "CORP", "source.ip": "10.0.0.9", "source.port": "50111",
				"file.path": "PSEXESVC.exe", "file.name": "PSEXESVC.exe",
			},
		},
		{
			name: "security 5156 wfp",
			raw: securityEv("5156", "ProcessID", "4", "Application", "System", "Direction", "%%14592",
				"SourceAddress", "10.0.0.1", "SourcePort", "445", "DestAddress", "10.0.0.9", "DestPort", "50111",
				"Protocol", "6"),
			kind: "security", host: "dc01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Security-Auditing",
				"event.code": "5156", "winlog.record_id": "4242", "event.action": "network_connection", "event.outcome": "success",
				"process.executable": "System", "process.pid": "4", "network.direction": "ingress",
				"source.ip": "10.0.0.1", "source.port": "445", "destination.ip": "10.0.0.9", "destination.port": "50111",
				"network.transport": "tcp",
			},
		},
		{
			name: "security 4769 kerberos failure",
			raw: securityEv("4769", "TargetUserName", "alice@CORP.EXAMPLE", "TargetDomainName", "CORP.EXAMPLE",
				"ServiceName", "MSSQLSvc", "IpAddress", "::ffff:10.0.0.7", "IpPort", "0", "Status", "0x1b"),
			kind: "security", host: "dc01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Security-Auditing",
				"event.code": "4769", "winlog.record_id": "4242", "event.action": "kerberos_service_ticket", "event.outcome": "failure",
				"user.name": "alice@CORP.EXAMPLE", "user.domain": "CORP.EXAMPLE", "service.name": "MSSQLSvc",
				"source.ip": "10.0.0.7",
			},
		},
		{
			name: "security 1102 log cleared (UserData)",
			raw: sys("Microsoft-Windows-Eventlog", "1102", "Security",
				"SubjectUserSid", "S-1-5-21-1", "SubjectUserName", "mallory", "SubjectDomainName", "CORP"),
			kind: "security", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Security", "event.provider": "Microsoft-Windows-Eventlog",
				"event.code": "1102", "winlog.record_id": "4242", "event.action": "log_cleared",
				"user.name": "mallory", "user.domain": "CORP",
			},
		},
		{
			name: "system 104 keeps System channel despite UserData Channel",
			raw: sys("Microsoft-Windows-Eventlog", "104", "System",
				"SubjectUserName", "mallory", "SubjectDomainName", "CORP", "Channel", "Application",
				"BackupPath", ""),
			kind: "system", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "System", "event.provider": "Microsoft-Windows-Eventlog",
				"event.code": "104", "winlog.record_id": "4242", "event.action": "log_cleared",
				"user.name": "mallory", "user.domain": "CORP",
			},
		},
		{
			name: "system 7045 service install",
			raw: sys("Service Control Manager", "7045", "System", "ServiceName", "evilsvc",
				"ImagePath", `C:\Windows\Temp\e.exe`, "ServiceType", "user mode service",
				"StartType", "demand start", "AccountName", "LocalSystem"),
			kind: "system", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "System", "event.provider": "Service Control Manager",
				"event.code": "7045", "winlog.record_id": "4242", "event.action": "service_install",
				"service.name": "evilsvc", "process.executable": `C:\Windows\Temp\e.exe`,
			},
		},
		{
			name: "powershell 4104 script text stays raw",
			raw: sys("Microsoft-Windows-PowerShell", "4104", "Microsoft-Windows-PowerShell/Operational",
				"MessageNumber", "1", "MessageTotal", "1", "ScriptBlockText", "IEX (New-Object Net.WebClient)",
				"ScriptBlockId", "{x}", "Path", ""),
			kind: "powershell", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-PowerShell/Operational", "event.provider": "Microsoft-Windows-PowerShell",
				"event.code": "4104", "winlog.record_id": "4242", "event.action": "script_block",
			},
		},
		{
			name: "windows powershell 400 host application",
			raw: sys("PowerShell", "400", "Windows PowerShell",
				"Data", "Available", "Data", "None",
				"Data", "\tNewEngineState=Available\r\n\tHostName=ConsoleHost\r\n\tHostApplication=powershell -enc SQBFAFgA\r\n\tEngineVersion=5.1"),
			kind: "powershell", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Windows PowerShell", "event.provider": "PowerShell",
				"event.code": "400", "winlog.record_id": "4242", "event.action": "engine_start",
				"process.command_line": "powershell -enc SQBFAFgA",
			},
		},
		{
			name: "defender 1116",
			raw: sys("Microsoft-Windows-Windows Defender", "1116", "Microsoft-Windows-Windows Defender/Operational",
				"Threat Name", "HackTool:Win32/Mimikatz", "Severity Name", "High",
				"Path", `file:_C:\Users\alice\Downloads\m.exe; process:_pid:123`,
				"Detection User", `CORP\alice`, "Process Name", `C:\Windows\explorer.exe`),
			kind: "defender", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Windows Defender/Operational", "event.provider": "Microsoft-Windows-Windows Defender",
				"event.code": "1116", "winlog.record_id": "4242", "event.action": "malware_detected",
				"rule.name": "HackTool:Win32/Mimikatz", "user.name": "alice", "user.domain": "CORP",
				"process.executable": `C:\Windows\explorer.exe`,
				"file.path":          `C:\Users\alice\Downloads\m.exe`, "file.name": "m.exe",
			},
		},
		{
			name: "rdp 1149",
			raw: sys("Microsoft-Windows-TerminalServices-RemoteConnectionManager", "1149",
				"Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational",
				"Param1", "alice", "Param2", "CORP", "Param3", "198.51.100.4"),
			kind: "rdp", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel":   "Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational",
				"event.provider":   "Microsoft-Windows-TerminalServices-RemoteConnectionManager",
				"event.code":       "1149",
				"winlog.record_id": "4242", "event.action": "rdp_auth_success",
				"user.name": "alice", "user.domain": "CORP", "source.ip": "198.51.100.4",
			},
		},
		{
			name: "rdp 21 local address",
			raw: sys("Microsoft-Windows-TerminalServices-LocalSessionManager", "21",
				"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
				"User", `CORP\alice`, "SessionID", "2", "Address", "LOCAL"),
			kind: "rdp", host: "ws01.corp.example",
			want: map[string]string{
				"winlog.channel":   "Microsoft-Windows-TerminalServices-LocalSessionManager/Operational",
				"event.provider":   "Microsoft-Windows-TerminalServices-LocalSessionManager",
				"event.code":       "21",
				"winlog.record_id": "4242", "event.action": "rdp_logon",
				"user.name": "alice", "user.domain": "CORP",
			},
		},
		{
			name: "other channel, odd event id text",
			raw: []string{"Provider_Name", "MsiInstaller", "EventID", "01033", "Channel", "Microsoft-Windows-Foo/Admin",
				"TimeCreated", "2024-03-01T10:20:30.1234567Z", "Data", "x", "Data", "y"},
			kind: "winlog",
			want: map[string]string{
				"winlog.channel": "Microsoft-Windows-Foo/Admin", "event.provider": "MsiInstaller", "event.code": "1033",
			},
		},
		{
			name: "empty event",
			raw:  nil,
			kind: "winlog",
			want: map[string]string{},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ev := mk(tc.raw...)
			before := slices.Clone(ev.Raw)
			Normalise(ev)
			if !slices.Equal(before, ev.Raw) {
				t.Fatalf("Raw changed:\n got %v\nwant %v", ev.Raw, before)
			}
			if ev.Kind != tc.kind {
				t.Errorf("Kind = %q, want %q", ev.Kind, tc.kind)
			}
			if ev.Host != tc.host {
				t.Errorf("Host = %q, want %q", ev.Host, tc.host)
			}
			if len(tc.raw) > 0 && ev.Time != t0 {
				t.Errorf("Time = %d, want %d", ev.Time, t0)
			}
			got := fields(ev)
			for k, w := range tc.want {
				if got[k] != w {
					t.Errorf("%s = %q, want %q", k, got[k], w)
				}
			}
			for k, g := range got {
				if _, ok := tc.want[k]; !ok {
					t.Errorf("unexpected %s = %q", k, g)
				}
			}
		})
	}
}

func TestNormaliseKeepsTime(t *testing.T) {
	ev := mk(sysmonEv("5", "Image", `C:\a.exe`)...)
	ev.Time = 7
	Normalise(ev)
	if ev.Time != 7 {
		t.Fatalf("Time = %d, want 7 (already set)", ev.Time)
	}
}

func TestKeywordsOutcome(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"0x8020000000000000", "success"},
		{"0x8010000000000000", "failure"},
		{"0x8000000000000000", ""},
		{`["Audit Success"]`, "success"},
		{"Audit Failure", "failure"},
		{"", ""},
		{"0xzz", ""},
	} {
		if got := keywordsOutcome(tc.in); got != tc.want {
			t.Errorf("keywordsOutcome(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKindOf(t *testing.T) {
	for _, tc := range []struct{ channel, provider, want string }{
		{"Microsoft-Windows-Sysmon/Operational", "", "sysmon"},
		{"security", "", "security"},
		{"System", "", "system"},
		{"Application", "", "application"},
		{"Windows PowerShell", "", "powershell"},
		{"Microsoft-Windows-PowerShell/Operational", "", "powershell"},
		{"Microsoft-Windows-TaskScheduler/Operational", "", "taskscheduler"},
		{"Microsoft-Windows-Windows Defender/Operational", "", "defender"},
		{"Microsoft-Windows-WMI-Activity/Operational", "", "wmi"},
		{"Microsoft-Windows-TerminalServices-LocalSessionManager/Operational", "", "rdp"},
		{"Microsoft-Windows-Bits-Client/Operational", "Microsoft-Windows-Sysmon", "winlog"},
		{"", "Microsoft-Windows-Sysmon", "sysmon"},
		{"", "Microsoft-Windows-Security-Auditing", "security"},
		{"", "", "winlog"},
	} {
		if got := KindOf(tc.channel, tc.provider); got != tc.want {
			t.Errorf("KindOf(%q, %q) = %q, want %q", tc.channel, tc.provider, got, tc.want)
		}
	}
}

func TestSystemFields(t *testing.T) {
	names := SystemFields()
	if len(names) != numSys {
		t.Fatalf("%d names, want %d", len(names), numSys)
	}
	for i, n := range names {
		if SystemIndex(n) != i {
			t.Errorf("SystemIndex(%q) = %d, want %d", n, SystemIndex(n), i)
		}
	}
	if SystemIndex("Image") != -1 {
		t.Error("SystemIndex(Image) != -1")
	}
}

func TestTime(t *testing.T) {
	// 2024-03-01T10:20:30.1234567Z as a FILETIME.
	want := time.Date(2024, 3, 1, 10, 20, 30, 123456700, time.UTC)
	ft := uint64(want.UnixNano()/100) + fileTimeEpochDelta
	ns := FileTimeToUnixNano(ft)
	if ns != want.UnixNano() {
		t.Fatalf("FileTimeToUnixNano = %d, want %d", ns, want.UnixNano())
	}
	if s := FormatTime(ns); s != "2024-03-01T10:20:30.1234567Z" {
		t.Fatalf("FormatTime = %q", s)
	}
	if got, err := event.ParseTime(FormatTime(ns)); err != nil || got != ns {
		t.Fatalf("ParseTime(FormatTime) = %d, %v", got, err)
	}
	if FileTimeToUnixNano(0) != 0 {
		t.Fatal("FILETIME 0 should give 0")
	}
	if FileTimeToUnixNano(1<<64-1) != 1<<63-1 {
		t.Fatal("huge FILETIME should clamp")
	}
	if got, want := FileTimeToUnixNano(fileTimeEpochDelta+1), int64(100); got != want {
		t.Fatalf("FILETIME 1 = %d", got)
	}
}

func TestParseInt(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0x1a2c", 6700, true}, {"42", 42, true}, {" 7 ", 7, true}, {"-3", -3, true},
		{"0x", 0, false}, {"", 0, false}, {"-", 0, false}, {"12a", 0, false},
		{"0xffffffffffffffff", 0, false}, {"99999999999999999999", 0, false},
	} {
		got, ok := parseInt(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseInt(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func FuzzNormalise(f *testing.F) {
	f.Add(strings.Join(sysmonEv("1", "Image", `C:\a.exe`, "Hashes", "SHA1=a,,=,MD5"), "\x00"))
	f.Add(strings.Join(securityEv("4688", "NewProcessId", "0x"), "\x00"))
	f.Add(strings.Join(sys("x", "5156", "Security", "Protocol", "6", "SourceAddress", "::ffff:1.2.3.4"), "\x00"))
	f.Add(strings.Join(sys("x", "400", "Windows PowerShell", "Data", "HostApplication="), "\x00"))
	f.Add(strings.Join(sys("x", "1116", "Microsoft-Windows-Windows Defender/Operational", "Path", "file:_;x:_"), "\x00"))
	f.Fuzz(func(t *testing.T, s string) {
		ev := mk(strings.Split(s, "\x00")...)
		before := slices.Clone(ev.Raw)
		Normalise(ev)
		if !slices.Equal(before, ev.Raw) {
			t.Fatal("Raw changed")
		}
	})
}

func BenchmarkNormaliseSysmon1(b *testing.B) {
	ev := mk(sysmonEv("1",
		"RuleName", "-", "UtcTime", "2024-03-01 10:20:30.123",
		"ProcessGuid", "{a1b2c3d4-0000-0000-0000-000000000001}", "ProcessId", "6012",
		"Image", `C:\Windows\System32\cmd.exe`, "FileVersion", "10.0", "Description", "Windows Command Processor",
		"Product", "Microsoft Windows", "Company", "Microsoft Corporation", "OriginalFileName", "Cmd.Exe",
		"CommandLine", `cmd.exe /c whoami`, "CurrentDirectory", `C:\`, "User", `CORP\alice`,
		"LogonGuid", "{x}", "LogonId", "0x3e7", "TerminalSessionId", "1", "IntegrityLevel", "High",
		"Hashes", "SHA1=AAAA,MD5=BBBB,SHA256=CCCC,IMPHASH=DDDD", "ParentProcessGuid", "{y}",
		"ParentProcessId", "4410", "ParentImage", `C:\Windows\explorer.exe`,
		"ParentCommandLine", `C:\Windows\Explorer.EXE`, "ParentUser", `CORP\alice`)...)
	b.ReportAllocs()
	for b.Loop() {
		ev.Time = 0
		Normalise(ev)
	}
}
