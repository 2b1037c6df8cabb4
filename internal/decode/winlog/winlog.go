// Package winlog normalises Windows events, whatever file they came from.
//
// Windows events reach firebreak through several doors: native EVTX files,
// and JSON exports written by Winlogbeat or by EVTX-to-JSON converters. Each
// decoder only has to lay the event's fields out in one agreed way, the
// original-field contract below, and then call Normalise; the mapping from
// Windows event to normalised (ECS) fields lives here once, so a Sysmon process
// creation means the same thing whichever door it came through, and Sigma
// rules see the same native field names (Image, CommandLine, EventID, …).
//
// # The original-field contract
//
// A decoder fills ev.Raw with, first, the System fields that are present,
// under these names and in this order (see SystemFields):
//
//	Provider_Name, Provider_Guid, EventSourceName, EventID, Qualifiers,
//	Version, Level, Task, Opcode, Keywords, TimeCreated, EventRecordID,
//	Correlation_ActivityID, Correlation_RelatedActivityID,
//	Execution_ProcessID, Execution_ThreadID, Channel, Computer,
//	Security_UserID
//
// TimeCreated is ISO 8601 text in UTC (FormatTime writes it); EventID is the
// decimal event identifier without its qualifiers. Then come the EventData
// fields under their native <Data Name="…"> names (unnamed Data elements are
// named "Data", and several fields may share a name), and the leaf elements of
// UserData under their leaf names.
//
// Normalise reads those fields and never drops, renames or reorders them.
package winlog

import (
	"strings"
)

// Names of the System fields in ev.Raw, in contract order.
const (
	FieldProviderName       = "Provider_Name"
	FieldProviderGUID       = "Provider_Guid"
	FieldEventSourceName    = "EventSourceName"
	FieldEventID            = "EventID"
	FieldQualifiers         = "Qualifiers"
	FieldVersion            = "Version"
	FieldLevel              = "Level"
	FieldTask               = "Task"
	FieldOpcode             = "Opcode"
	FieldKeywords           = "Keywords"
	FieldTimeCreated        = "TimeCreated"
	FieldEventRecordID      = "EventRecordID"
	FieldActivityID         = "Correlation_ActivityID"
	FieldRelatedActivityID  = "Correlation_RelatedActivityID"
	FieldExecutionProcessID = "Execution_ProcessID"
	FieldExecutionThreadID  = "Execution_ThreadID"
	FieldChannel            = "Channel"
	FieldComputer           = "Computer"
	FieldSecurityUserID     = "Security_UserID"

	// FieldUnnamedData is the name given to <Data> elements without a Name.
	FieldUnnamedData = "Data"
)

// numSys is the number of System fields in the contract.
const numSys = 19

// SystemFields returns the System field names in contract order. The slice is
// new on every call.
func SystemFields() []string {
	return []string{
		FieldProviderName, FieldProviderGUID, FieldEventSourceName, FieldEventID,
		FieldQualifiers, FieldVersion, FieldLevel, FieldTask, FieldOpcode,
		FieldKeywords, FieldTimeCreated, FieldEventRecordID, FieldActivityID,
		FieldRelatedActivityID, FieldExecutionProcessID, FieldExecutionThreadID,
		FieldChannel, FieldComputer, FieldSecurityUserID,
	}
}

// Indexes of the System fields, in contract order.
const (
	sysProviderName = iota
	sysProviderGUID
	sysEventSourceName
	sysEventID
	sysQualifiers
	sysVersion
	sysLevel
	sysTask
	sysOpcode
	sysKeywords
	sysTimeCreated
	sysEventRecordID
	sysActivityID
	sysRelatedActivityID
	sysExecutionProcessID
	sysExecutionThreadID
	sysChannel
	sysComputer
	sysSecurityUserID
)

// SystemIndex returns the contract position of a System field name, or -1
// when name is not a System field.
func SystemIndex(name string) int {
	switch name {
	case FieldProviderName:
		return sysProviderName
	case FieldProviderGUID:
		return sysProviderGUID
	case FieldEventSourceName:
		return sysEventSourceName
	case FieldEventID:
		return sysEventID
	case FieldQualifiers:
		return sysQualifiers
	case FieldVersion:
		return sysVersion
	case FieldLevel:
		return sysLevel
	case FieldTask:
		return sysTask
	case FieldOpcode:
		return sysOpcode
	case FieldKeywords:
		return sysKeywords
	case FieldTimeCreated:
		return sysTimeCreated
	case FieldEventRecordID:
		return sysEventRecordID
	case FieldActivityID:
		return sysActivityID
	case FieldRelatedActivityID:
		return sysRelatedActivityID
	case FieldExecutionProcessID:
		return sysExecutionProcessID
	case FieldExecutionThreadID:
		return sysExecutionThreadID
	case FieldChannel:
		return sysChannel
	case FieldComputer:
		return sysComputer
	case FieldSecurityUserID:
		return sysSecurityUserID
	}
	return -1
}

// Kinds that Normalise gives to Windows events.
const (
	KindSysmon        = "sysmon"
	KindSecurity      = "security"
	KindSystem        = "system"
	KindApplication   = "application"
	KindPowerShell    = "powershell"
	KindTaskScheduler = "taskscheduler"
	KindDefender      = "defender"
	KindWMI           = "wmi"
	KindRDP           = "rdp"
	KindWinlog        = "winlog" // any other channel
)

// KindOf returns the event kind for a channel. When the channel is empty
// (some exports omit it) the provider decides for the few providers that
// belong to one channel.
func KindOf(channel, provider string) string {
	switch {
	case channel == "":
	case strings.EqualFold(channel, "Microsoft-Windows-Sysmon/Operational"):
		return KindSysmon
	case strings.EqualFold(channel, "Security"):
		return KindSecurity
	case strings.EqualFold(channel, "System"):
		return KindSystem
	case strings.EqualFold(channel, "Application"):
		return KindApplication
	case strings.EqualFold(channel, "Windows PowerShell"),
		strings.EqualFold(channel, "Microsoft-Windows-PowerShell/Operational"),
		strings.EqualFold(channel, "PowerShellCore/Operational"):
		return KindPowerShell
	case strings.EqualFold(channel, "Microsoft-Windows-TaskScheduler/Operational"):
		return KindTaskScheduler
	case strings.EqualFold(channel, "Microsoft-Windows-Windows Defender/Operational"):
		return KindDefender
	case strings.EqualFold(channel, "Microsoft-Windows-WMI-Activity/Operational"):
		return KindWMI
	case hasPrefixFold(channel, "Microsoft-Windows-TerminalServices-"),
		hasPrefixFold(channel, "Microsoft-Windows-RemoteDesktopServices-"):
		return KindRDP
	default:
		return KindWinlog
	}
	switch {
	case strings.EqualFold(provider, "Microsoft-Windows-Sysmon"):
		return KindSysmon
	case strings.EqualFold(provider, "Microsoft-Windows-Security-Auditing"):
		return KindSecurity
	case strings.EqualFold(provider, "Microsoft-Windows-PowerShell"),
		strings.EqualFold(provider, "PowerShell"):
		return KindPowerShell
	case strings.EqualFold(provider, "Microsoft-Windows-TaskScheduler"):
		return KindTaskScheduler
	case strings.EqualFold(provider, "Microsoft-Windows-Windows Defender"):
		return KindDefender
	case strings.EqualFold(provider, "Microsoft-Windows-WMI-Activity"):
		return KindWMI
	case hasPrefixFold(provider, "Microsoft-Windows-TerminalServices-"):
		return KindRDP
	}
	return KindWinlog
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}
