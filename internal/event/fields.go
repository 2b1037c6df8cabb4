package event

// StrField names a normalised text field of an Event. The set is closed and
// ordered: stores derive their column layout from it, so a new field is added
// at the end of the list and the store migrates by adding a column.
type StrField uint8

// IntField names a normalised integer field of an Event.
type IntField uint8

// Normalised text fields, named after the Elastic Common Schema.
const (
	SourceIP StrField = iota
	DestinationIP
	SourceMAC
	DestinationMAC
	SourceHostname
	DestinationDomain
	NetworkTransport
	NetworkProtocol
	NetworkDirection
	NetworkCommunityID
	ConnState
	DNSQuestionName
	DNSQuestionType
	DNSResponseCode
	DNSAnswers
	URLFull
	URLDomain
	URLPath
	HTTPRequestMethod
	HTTPRequestReferrer
	UserAgentOriginal
	TLSServerName
	TLSVersion
	TLSClientJA3
	TLSServerSubject
	TLSServerIssuer
	UserName
	UserDomain
	TargetUserName
	ProcessExecutable
	ProcessCommandLine
	ProcessParentExecutable
	ProcessParentCommandLine
	FilePath
	FileName
	FileHashMD5
	FileHashSHA1
	FileHashSHA256
	FileMIMEType
	EventCode
	EventOutcome
	EventAction
	EventProvider
	WinlogChannel
	RuleName
	ServiceName
	Message
	numStr
)

// Normalised integer fields.
const (
	SourcePort IntField = iota
	DestinationPort
	SourceBytes
	DestinationBytes
	SourcePackets
	DestinationPackets
	EventDuration // nanoseconds
	HTTPResponseStatusCode
	HTTPRequestBodyBytes
	HTTPResponseBodyBytes
	ProcessPID
	ProcessParentPID
	FileSize
	WinlogRecordID
	numInt
)

// NumStr and NumInt are the number of normalised text and integer fields.
const (
	NumStr = int(numStr)
	NumInt = int(numInt)
)

// Kind tells how a text field's value is checked and canonicalised when set.
type Kind uint8

// Field kinds.
const (
	KindText  Kind = iota // stored as given
	KindIP                // canonical IP text (IPv4-mapped IPv6 unmapped)
	KindLower             // lower-cased (domains, hashes, transport names)
	KindInt               // 64-bit signed integer
)

// Info describes one normalised field: its ECS name, the column that holds it
// in a store, and its kind. Hot fields are the ones responders filter and
// join on across incidents (addresses, names, hashes, users, processes);
// a store gives each its own column. The others are kept together in one
// extension column, because a column per rarely-set field costs more to
// write than it saves in queries.
type Info struct {
	Name   string
	Column string
	Kind   Kind
	Hot    bool
}

var strInfo = [NumStr]Info{
	SourceIP:                 {"source.ip", "source_ip", KindIP, true},
	DestinationIP:            {"destination.ip", "destination_ip", KindIP, true},
	SourceMAC:                {"source.mac", "source_mac", KindLower, false},
	DestinationMAC:           {"destination.mac", "destination_mac", KindLower, false},
	SourceHostname:           {"source.hostname", "source_hostname", KindText, false},
	DestinationDomain:        {"destination.domain", "destination_domain", KindLower, true},
	NetworkTransport:         {"network.transport", "network_transport", KindLower, true},
	NetworkProtocol:          {"network.protocol", "network_protocol", KindLower, true},
	NetworkDirection:         {"network.direction", "network_direction", KindLower, false},
	NetworkCommunityID:       {"network.community_id", "network_community_id", KindText, false},
	ConnState:                {"network.connection.state", "conn_state", KindText, false},
	DNSQuestionName:          {"dns.question.name", "dns_question_name", KindLower, true},
	DNSQuestionType:          {"dns.question.type", "dns_question_type", KindText, false},
	DNSResponseCode:          {"dns.response_code", "dns_response_code", KindText, false},
	DNSAnswers:               {"dns.answers.data", "dns_answers", KindText, false},
	URLFull:                  {"url.full", "url_full", KindText, true},
	URLDomain:                {"url.domain", "url_domain", KindLower, true},
	URLPath:                  {"url.path", "url_path", KindText, false},
	HTTPRequestMethod:        {"http.request.method", "http_request_method", KindText, false},
	HTTPRequestReferrer:      {"http.request.referrer", "http_request_referrer", KindText, false},
	UserAgentOriginal:        {"user_agent.original", "user_agent_original", KindText, true},
	TLSServerName:            {"tls.server_name", "tls_server_name", KindLower, true},
	TLSVersion:               {"tls.version", "tls_version", KindText, false},
	TLSClientJA3:             {"tls.client.ja3", "tls_client_ja3", KindLower, false},
	TLSServerSubject:         {"tls.server.subject", "tls_server_subject", KindText, false},
	TLSServerIssuer:          {"tls.server.issuer", "tls_server_issuer", KindText, false},
	UserName:                 {"user.name", "user_name", KindText, true},
	UserDomain:               {"user.domain", "user_domain", KindText, false},
	TargetUserName:           {"user.target.name", "user_target_name", KindText, false},
	ProcessExecutable:        {"process.executable", "process_executable", KindText, true},
	ProcessCommandLine:       {"process.command_line", "process_command_line", KindText, true},
	ProcessParentExecutable:  {"process.parent.executable", "process_parent_executable", KindText, false},
	ProcessParentCommandLine: {"process.parent.command_line", "process_parent_command_line", KindText, false},
	FilePath:                 {"file.path", "file_path", KindText, true},
	FileName:                 {"file.name", "file_name", KindText, false},
	FileHashMD5:              {"file.hash.md5", "file_hash_md5", KindLower, true},
	FileHashSHA1:             {"file.hash.sha1", "file_hash_sha1", KindLower, true},
	FileHashSHA256:           {"file.hash.sha256", "file_hash_sha256", KindLower, true},
	FileMIMEType:             {"file.mime_type", "file_mime_type", KindText, false},
	EventCode:                {"event.code", "event_code", KindText, true},
	EventOutcome:             {"event.outcome", "event_outcome", KindLower, true},
	EventAction:              {"event.action", "event_action", KindText, false},
	EventProvider:            {"event.provider", "event_provider", KindText, false},
	WinlogChannel:            {"winlog.channel", "winlog_channel", KindText, false},
	RuleName:                 {"rule.name", "rule_name", KindText, false},
	ServiceName:              {"service.name", "service_name", KindText, false},
	Message:                  {"message", "message", KindText, false},
}

var intInfo = [NumInt]Info{
	SourcePort:             {"source.port", "source_port", KindInt, true},
	DestinationPort:        {"destination.port", "destination_port", KindInt, true},
	SourceBytes:            {"source.bytes", "source_bytes", KindInt, true},
	DestinationBytes:       {"destination.bytes", "destination_bytes", KindInt, true},
	SourcePackets:          {"source.packets", "source_packets", KindInt, false},
	DestinationPackets:     {"destination.packets", "destination_packets", KindInt, false},
	EventDuration:          {"event.duration", "event_duration", KindInt, true},
	HTTPResponseStatusCode: {"http.response.status_code", "http_response_status_code", KindInt, false},
	HTTPRequestBodyBytes:   {"http.request.body.bytes", "http_request_body_bytes", KindInt, false},
	HTTPResponseBodyBytes:  {"http.response.body.bytes", "http_response_body_bytes", KindInt, false},
	ProcessPID:             {"process.pid", "process_pid", KindInt, false},
	ProcessParentPID:       {"process.parent.pid", "process_parent_pid", KindInt, false},
	FileSize:               {"file.size", "file_size", KindInt, false},
	WinlogRecordID:         {"winlog.record_id", "winlog_record_id", KindInt, false},
}

// Info returns the description of f.
func (f StrField) Info() Info { return strInfo[f] }

// String returns the ECS name of f.
func (f StrField) String() string { return strInfo[f].Name }

// Info returns the description of f.
func (f IntField) Info() Info { return intInfo[f] }

// String returns the ECS name of f.
func (f IntField) String() string { return intInfo[f].Name }

// Lookup finds a normalised field by its ECS name or its column name. Exactly
// one of the returned fields is meaningful: isInt tells which.
func Lookup(name string) (s StrField, i IntField, isInt, ok bool) {
	for k := range NumStr {
		if strInfo[k].Name == name || strInfo[k].Column == name {
			return StrField(k), 0, false, true
		}
	}
	for k := range NumInt {
		if intInfo[k].Name == name || intInfo[k].Column == name {
			return 0, IntField(k), true, true
		}
	}
	return 0, 0, false, false
}
