package event

import (
	"errors"
	"time"
)

var errBadEpoch = errors.New("not an epoch time")

// ParseEpoch parses decimal seconds since the Unix epoch, such as Zeek's
// "1700000000.123456", into nanoseconds exactly (no floating point on the
// way). Up to nine fractional digits are kept; more are truncated. A leading
// minus sign is accepted.
func ParseEpoch(s string) (int64, error) {
	if s == "" {
		return 0, errBadEpoch
	}
	neg := false
	if s[0] == '-' {
		neg = true
		s = s[1:]
		if s == "" {
			return 0, errBadEpoch
		}
	}
	var sec int64
	i := 0
	for ; i < len(s) && s[i] != '.'; i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, errBadEpoch
		}
		if sec > (1<<63-1)/1_000_000_000/10 {
			return 0, errBadEpoch
		}
		sec = sec*10 + int64(c-'0')
	}
	if i == 0 {
		return 0, errBadEpoch
	}
	var frac int64
	if i < len(s) {
		i++ // '.'
		digits := 0
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				// Allow an exponent-free float only.
				return 0, errBadEpoch
			}
			if digits < 9 {
				frac = frac*10 + int64(c-'0')
				digits++
			}
		}
		for ; digits < 9; digits++ {
			frac *= 10
		}
	}
	ns := sec*1e9 + frac
	if neg {
		ns = -ns
	}
	return ns, nil
}

// ParseTime parses a timestamp in RFC 3339 / ISO 8601 form (with or without
// fractional seconds; a missing zone means UTC) and returns nanoseconds since
// the epoch.
func ParseTime(s string) (int64, error) {
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UnixNano(), nil
		}
	}
	return 0, errors.New("unrecognised timestamp " + quote(s))
}

var timeLayouts = [...]string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999Z0700",
}

// quote shortens and quotes attacker-controlled text for error messages.
func quote(s string) string {
	const max = 64
	if len(s) > max {
		s = s[:max] + "…"
	}
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c == '"' || c == '\\' || c == 0x7f {
			const hex = "0123456789abcdef"
			b = append(b, '\\', 'x', hex[c>>4], hex[c&15])
			continue
		}
		b = append(b, c)
	}
	return string(append(b, '"'))
}

// Quote returns s shortened and quoted with control characters escaped, for
// error messages that show text taken from a log.
func Quote(s string) string { return quote(s) }
