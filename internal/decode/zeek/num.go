package zeek

import (
	"math"
	"time"

	"github.com/firebreak-ir/firebreak/internal/event"
)

// parseUint parses an unsigned decimal integer, as Zeek writes a count or a
// port.
func parseUint(s string) (uint64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		d := uint64(c - '0')
		if n > (math.MaxUint64-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, true
}

// parseInt parses a signed decimal integer that fits in an int64.
func parseInt(s string) (int64, bool) {
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	u, ok := parseUint(s)
	if !ok {
		return 0, false
	}
	if neg {
		if u > 1<<63 {
			return 0, false
		}
		return -int64(u), true
	}
	if u > math.MaxInt64 {
		return 0, false
	}
	return int64(u), true
}

var pow10 = [...]uint64{
	1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
}

// parseSeconds parses a decimal number of seconds, as Zeek writes an
// interval or a time ("0.000123", "-1.5", and in JSON also "1e-06"), into
// nanoseconds exactly, with integer arithmetic only. Digits beyond the
// nanosecond are truncated.
func parseSeconds(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	neg := false
	switch s[0] {
	case '-':
		neg = true
		s = s[1:]
	case '+':
		s = s[1:]
	}
	var mant uint64
	scale := 0 // value = mant * 10^scale seconds
	digits := 0
	point := false
	i := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if point {
				return 0, false
			}
			point = true
			continue
		}
		if c < '0' || c > '9' {
			break
		}
		digits++
		if mant <= (math.MaxUint64-9)/10 {
			mant = mant*10 + uint64(c-'0')
			if point {
				scale--
			}
		} else if !point {
			scale++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) {
		if s[i] != 'e' && s[i] != 'E' {
			return 0, false
		}
		i++
		eneg := false
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			eneg = s[i] == '-'
			i++
		}
		if i == len(s) {
			return 0, false
		}
		exp := 0
		for ; i < len(s); i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			if exp < 10000 {
				exp = exp*10 + int(c-'0')
			}
		}
		if eneg {
			exp = -exp
		}
		scale += exp
	}
	k := scale + 9 // value in ns = mant * 10^k
	var ns uint64
	switch {
	case mant == 0:
		ns = 0
	case k >= 0:
		if k >= len(pow10) {
			return 0, false
		}
		p := pow10[k]
		if mant > math.MaxInt64/p {
			return 0, false
		}
		ns = mant * p
	default:
		if -k >= len(pow10) {
			ns = 0
		} else {
			ns = mant / pow10[-k]
		}
	}
	if ns > math.MaxInt64 {
		return 0, false
	}
	if neg {
		return -int64(ns), true
	}
	return int64(ns), true
}

// parseTime parses a Zeek timestamp: epoch seconds (TSV, JSON default) or,
// in JSON written with LogAscii::json_timestamps, ISO 8601 text.
func parseTime(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	if c := s[0]; len(s) < 20 || s[4] != '-' || c == '-' || c == '+' || c == '.' {
		if ns, err := event.ParseEpoch(s); err == nil {
			return ns, true
		}
		return parseSeconds(s)
	}
	if ns, ok := parseISO(s); ok {
		return ns, true
	}
	ns, err := event.ParseTime(s)
	return ns, err == nil
}

// parseISO is the fast path for the form Zeek writes,
// 2006-01-02T15:04:05.999999Z. Other forms go to event.ParseTime.
func parseISO(s string) (int64, bool) {
	if len(s) < 20 || s[len(s)-1] != 'Z' || s[4] != '-' || s[7] != '-' ||
		(s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':' {
		return 0, false
	}
	num := func(a, b int) int {
		n := 0
		for i := a; i < b; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return -1
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	y, mo, d := num(0, 4), num(5, 7), num(8, 10)
	h, mi, sec := num(11, 13), num(14, 16), num(17, 19)
	if y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59 {
		return 0, false
	}
	if d > daysIn(time.Month(mo), y) {
		return 0, false
	}
	frac := 0
	rest := s[19 : len(s)-1]
	if rest != "" {
		if rest[0] != '.' || len(rest) == 1 {
			return 0, false
		}
		digits := 0
		for i := 1; i < len(rest); i++ {
			c := rest[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			if digits < 9 {
				frac = frac*10 + int(c-'0')
				digits++
			}
		}
		for ; digits < 9; digits++ {
			frac *= 10
		}
	}
	return time.Date(y, time.Month(mo), d, h, mi, sec, frac, time.UTC).UnixNano(), true
}

func daysIn(m time.Month, y int) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
