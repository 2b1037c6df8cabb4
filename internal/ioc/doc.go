// Package ioc holds indicators of compromise: what a coordination centre's
// notice, a STIX bundle, a MISP event or a plain list says to look for, and
// the one matcher that finds them in events, live during ingest and over
// history.
//
// It exists because an incident very often starts with someone else's
// indicators: a terse, defanged, ISO-2022-JP encoded e-mail, or a feed. The
// package turns each of those into the same normalised Indicator (type,
// canonical value, source, confidence, TLP, campaign, validity), guards
// against indicators that would do harm if blocked or that match half the
// internet (public resolvers, private ranges, very popular domains, the
// organisation's own domains), keeps a never-block list whose hits are
// evidence but are never contained, and stores indicators and detections in
// the investigation's DuckDB store.
//
// Everything read here is data from outside: nothing in a notice, a bundle
// or a feed is ever executed, and indicators marked TLP:RED do not leave the
// system unless the caller explicitly asks for them.
package ioc
