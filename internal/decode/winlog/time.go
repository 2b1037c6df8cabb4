package winlog

import "time"

// fileTimeEpochDelta is the number of 100 ns intervals between the FILETIME
// epoch (1601-01-01) and the Unix epoch.
const fileTimeEpochDelta = 116444736000000000

// FileTimeToUnixNano converts a Windows FILETIME (100 ns intervals since
// 1601-01-01 UTC) to nanoseconds since the Unix epoch. It returns 0 for a
// FILETIME of 0 and clamps values outside the int64 nanosecond range.
func FileTimeToUnixNano(ft uint64) int64 {
	if ft == 0 {
		return 0
	}
	const maxTicks = (1<<63 - 1) / 100
	if ft >= fileTimeEpochDelta {
		d := ft - fileTimeEpochDelta
		if d > maxTicks {
			return 1<<63 - 1
		}
		return int64(d) * 100
	}
	d := fileTimeEpochDelta - ft
	if d > maxTicks {
		return -(1<<63 - 1)
	}
	return -int64(d) * 100
}

// FormatTime writes ns (nanoseconds since the Unix epoch) as the TimeCreated
// text of the contract: ISO 8601 in UTC with seven fractional digits, the
// precision of a FILETIME, as in 2024-03-01T10:20:30.1234567Z.
func FormatTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format("2006-01-02T15:04:05.0000000Z")
}
