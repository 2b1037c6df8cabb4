package netfield

// ParseISO parses an ISO 8601 / RFC 3339 timestamp
// "YYYY-MM-DDTHH:MM:SS[.fraction][Z|±HH:MM|±HHMM]" ('T' or a space between
// date and time) into nanoseconds since the epoch, without allocating. A
// missing zone means UTC; zoned reports whether one was given.
func ParseISO(s string) (ns int64, zoned, ok bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ' && s[10] != 't') ||
		s[13] != ':' || s[16] != ':' {
		return 0, false, false
	}
	year, ok1 := digits(s[0:4])
	mon, ok2 := digits(s[5:7])
	day, ok3 := digits(s[8:10])
	hh, ok4 := digits(s[11:13])
	mm, ok5 := digits(s[14:16])
	ss, ok6 := digits(s[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mon < 1 || mon > 12 || day < 1 || day > 31 ||
		hh > 23 || mm > 59 || ss > 60 {
		return 0, false, false
	}
	i := 19
	var frac int64
	if i < len(s) && (s[i] == '.' || s[i] == ',') {
		i++
		n := 0
		for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
			if n < 9 {
				frac = frac*10 + int64(s[i]-'0')
				n++
			}
		}
		if n == 0 {
			return 0, false, false
		}
		for ; n < 9; n++ {
			frac *= 10
		}
	}
	var off int64
	switch {
	case i == len(s):
	case s[i] == 'Z' || s[i] == 'z':
		zoned = true
		i++
	case s[i] == '+' || s[i] == '-':
		zoned = true
		sign := int64(1)
		if s[i] == '-' {
			sign = -1
		}
		i++
		var oh, om int64
		var okh, okm bool
		switch {
		case len(s)-i == 5 && s[i+2] == ':':
			oh, okh = digits(s[i : i+2])
			om, okm = digits(s[i+3 : i+5])
		case len(s)-i == 4:
			oh, okh = digits(s[i : i+2])
			om, okm = digits(s[i+2 : i+4])
		case len(s)-i == 2:
			oh, okh = digits(s[i : i+2])
			okm = true
		}
		if !okh || !okm || oh > 23 || om > 59 {
			return 0, false, false
		}
		off = sign * (oh*3600 + om*60)
		i = len(s)
	}
	if i != len(s) {
		return 0, false, false
	}
	sec := DaysFromCivil(year, mon, day)*86400 + hh*3600 + mm*60 + ss - off
	return sec*1e9 + frac, zoned, true
}

func digits(s string) (int64, bool) {
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// DaysFromCivil returns the number of days from 1970-01-01 to the given
// proleptic Gregorian date (Howard Hinnant's algorithm).
func DaysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// Month returns the number (1-12) of an English month abbreviation such as
// "Jan" (any case), or 0.
func Month(s string) int64 {
	if len(s) != 3 {
		return 0
	}
	const months = "janfebmaraprmayjunjulaugsepoctnovdec"
	a, b, c := s[0]|0x20, s[1]|0x20, s[2]|0x20
	for k := 0; k < len(months); k += 3 {
		if months[k] == a && months[k+1] == b && months[k+2] == c {
			return int64(k/3 + 1)
		}
	}
	return 0
}
