package zeek

// Field names that tell one log from another when a log does not name its
// path (JSON without _path, TSV without #path).
const (
	fUID uint64 = 1 << iota
	fOrigH
	fProto
	fConnState
	fQuery
	fQtypeName
	fTransID
	fMethod
	fURI
	fVersion
	fCipher
	fServerName
	fCertSubject
	fFUID
	fAction
	fPath
	fName
	fShareType
	fEndpoint
	fOperation
	fDomainname
	fServerNB
	fRequestType
	fClient
	fCookie
	fMsgTypes
	fMAC
	fAssigned
	fNote
	fMsg
	fPeer
	fAddl
	fSoftwareType
	fAuthSuccess
	fCipherAlg
	fCommand
	fReplyCode
	fMailfrom
	fRcptto
	fSigID
	fTunnelType
	fFailureReason
	fSeenIndicator
	fMimeType
	fSeenBytes
	fAnalyzers
	fTxHosts
	fCallID
	fQuicDCID
)

// fieldBit returns the bit of a field name that takes part in inference.
func fieldBit(name string) uint64 {
	switch name {
	case "uid":
		return fUID
	case "id.orig_h":
		return fOrigH
	case "proto":
		return fProto
	case "conn_state":
		return fConnState
	case "query":
		return fQuery
	case "qtype_name":
		return fQtypeName
	case "trans_id":
		return fTransID
	case "method":
		return fMethod
	case "uri":
		return fURI
	case "version":
		return fVersion
	case "cipher":
		return fCipher
	case "server_name":
		return fServerName
	case "certificate.subject":
		return fCertSubject
	case "fuid":
		return fFUID
	case "action":
		return fAction
	case "path":
		return fPath
	case "name":
		return fName
	case "share_type":
		return fShareType
	case "endpoint":
		return fEndpoint
	case "operation":
		return fOperation
	case "domainname":
		return fDomainname
	case "server_nb_computer_name":
		return fServerNB
	case "request_type":
		return fRequestType
	case "client":
		return fClient
	case "cookie":
		return fCookie
	case "msg_types":
		return fMsgTypes
	case "mac":
		return fMAC
	case "assigned_addr":
		return fAssigned
	case "note":
		return fNote
	case "msg":
		return fMsg
	case "peer":
		return fPeer
	case "addl":
		return fAddl
	case "software_type":
		return fSoftwareType
	case "auth_success":
		return fAuthSuccess
	case "cipher_alg":
		return fCipherAlg
	case "command":
		return fCommand
	case "reply_code":
		return fReplyCode
	case "mailfrom":
		return fMailfrom
	case "rcptto":
		return fRcptto
	case "sig_id":
		return fSigID
	case "tunnel_type":
		return fTunnelType
	case "failure_reason":
		return fFailureReason
	case "seen.indicator":
		return fSeenIndicator
	case "mime_type":
		return fMimeType
	case "seen_bytes":
		return fSeenBytes
	case "analyzers":
		return fAnalyzers
	case "tx_hosts":
		return fTxHosts
	case "call_id":
		return fCallID
	case "client_initial_dcid":
		return fQuicDCID
	}
	return 0
}

// inferPath tells the log from the set of its field names, or returns ""
// when no standard log fits. The checks go from the most specific field
// sets to the least, since several logs share names (fuid, name, version).
func inferPath(b uint64) string {
	has := func(m uint64) bool { return b&m == m }
	hasAny := func(m uint64) bool { return b&m != 0 }
	switch {
	case has(fConnState | fProto):
		return "conn"
	case has(fCertSubject):
		return "x509"
	case has(fNote | fMsg):
		return "notice"
	case has(fAction|fPath|fName) && hasAny(fFUID|fUID):
		return "smb_files"
	case has(fPath | fShareType):
		return "smb_mapping"
	case has(fEndpoint | fOperation):
		return "dce_rpc"
	case has(fQuery) && hasAny(fQtypeName|fTransID), has(fTransID) && !hasAny(fMethod):
		return "dns"
	case has(fMethod | fURI):
		return "http"
	case has(fQuicDCID):
		return "quic"
	case has(fCipher) && hasAny(fVersion|fServerName), has(fServerName):
		return "ssl"
	case hasAny(fServerNB), has(fDomainname) && !hasAny(fRequestType):
		return "ntlm"
	case has(fRequestType | fClient):
		return "kerberos"
	case has(fCookie):
		return "rdp"
	case hasAny(fMsgTypes), has(fMAC | fAssigned):
		return "dhcp"
	case has(fName) && hasAny(fPeer|fAddl):
		return "weird"
	case has(fSoftwareType):
		return "software"
	case hasAny(fAuthSuccess | fCipherAlg):
		return "ssh"
	case has(fCommand | fReplyCode):
		return "ftp"
	case hasAny(fMailfrom | fRcptto):
		return "smtp"
	case has(fSigID):
		return "signatures"
	case has(fTunnelType):
		return "tunnel"
	case has(fFailureReason):
		return "dpd"
	case has(fSeenIndicator):
		return "intel"
	case has(fCallID):
		return "sip"
	case has(fFUID) && hasAny(fMimeType|fSeenBytes|fAnalyzers|fTxHosts):
		return "files"
	}
	return ""
}

// inferNames infers the log from a list of field names.
func inferNames(names []string) string {
	var b uint64
	for _, n := range names {
		b |= fieldBit(n)
	}
	return inferPath(b)
}
