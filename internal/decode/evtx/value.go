package evtx

import (
	"encoding/binary"
	"math"
	"strconv"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// BinXML value types. The high bit (typeArray) marks an array of the base
// type.
const (
	typeNull     = 0x00
	typeString   = 0x01
	typeANSI     = 0x02
	typeInt8     = 0x03
	typeUint8    = 0x04
	typeInt16    = 0x05
	typeUint16   = 0x06
	typeInt32    = 0x07
	typeUint32   = 0x08
	typeInt64    = 0x09
	typeUint64   = 0x0a
	typeReal32   = 0x0b
	typeReal64   = 0x0c
	typeBool     = 0x0d
	typeBinary   = 0x0e
	typeGUID     = 0x0f
	typeSizeT    = 0x10
	typeFileTime = 0x11
	typeSysTime  = 0x12
	typeSID      = 0x13
	typeHex32    = 0x14
	typeHex64    = 0x15
	typeHandle   = 0x20
	typeBinXML   = 0x21
	typeEvtXML   = 0x23
	typeArray    = 0x80
)

// fixedSize returns the size of one element of a fixed-size type, 0 for
// variable-size types.
func fixedSize(t byte) int {
	switch t {
	case typeInt8, typeUint8:
		return 1
	case typeInt16, typeUint16:
		return 2
	case typeInt32, typeUint32, typeReal32, typeBool, typeHex32:
		return 4
	case typeInt64, typeUint64, typeReal64, typeFileTime, typeHex64:
		return 8
	case typeGUID, typeSysTime:
		return 16
	}
	return 0
}

// appendUTF16 appends UTF-16LE text as UTF-8. ASCII is copied byte by byte;
// anything else goes through surrogate decoding, with unpaired surrogates
// replaced by U+FFFD. Trailing NUL characters are dropped.
func appendUTF16(dst, b []byte) []byte {
	n := len(b) &^ 1
	for n >= 2 && b[n-2] == 0 && b[n-1] == 0 {
		n -= 2
	}
	i := 0
	for ; i+8 <= n; i += 8 {
		v := binary.LittleEndian.Uint64(b[i:])
		if v&0xff80ff80ff80ff80 != 0 {
			break
		}
		dst = append(dst, byte(v), byte(v>>16), byte(v>>32), byte(v>>48))
	}
	for ; i+1 < n; i += 2 {
		c := b[i]
		if b[i+1] != 0 || c >= 0x80 {
			break
		}
		dst = append(dst, c)
	}
	for ; i+1 < n; i += 2 {
		r := rune(binary.LittleEndian.Uint16(b[i:]))
		if r < 0x80 {
			dst = append(dst, byte(r))
			continue
		}
		if utf16.IsSurrogate(r) {
			if r < 0xdc00 && i+3 < n {
				r2 := rune(binary.LittleEndian.Uint16(b[i+2:]))
				if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
					dst = utf8.AppendRune(dst, d)
					i += 2
					continue
				}
			}
			r = utf8.RuneError
		}
		dst = utf8.AppendRune(dst, r)
	}
	return dst
}

// cp1252 maps the bytes 0x80-0x9f of Windows-1252 to Unicode; 0 marks an
// unassigned byte, which is kept as its Latin-1 code point.
var cp1252 = [32]rune{
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
}

// appendANSI appends text in the Windows-1252 code page as UTF-8, dropping
// trailing NULs.
func appendANSI(dst, b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == 0 {
		b = b[:len(b)-1]
	}
	for _, c := range b {
		switch {
		case c < 0x80:
			dst = append(dst, c)
		case c < 0xa0 && cp1252[c-0x80] != 0:
			dst = utf8.AppendRune(dst, cp1252[c-0x80])
		default:
			dst = utf8.AppendRune(dst, rune(c))
		}
	}
	return dst
}

const hexUpper = "0123456789ABCDEF"

func appendHexBytes(dst, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, hexUpper[c>>4], hexUpper[c&15])
	}
	return dst
}

// appendHex appends v as 0x followed by lower-case hex digits without
// padding, as Windows renders HexInt32 and HexInt64 values.
func appendHex(dst []byte, v uint64) []byte {
	dst = append(dst, '0', 'x')
	return strconv.AppendUint(dst, v, 16)
}

// appendGUID appends a GUID stored little-endian in its registry form,
// {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}.
func appendGUID(dst, b []byte) []byte {
	le := binary.LittleEndian
	dst = append(dst, '{')
	dst = appendHexN(dst, uint64(le.Uint32(b)), 8)
	dst = append(dst, '-')
	dst = appendHexN(dst, uint64(le.Uint16(b[4:])), 4)
	dst = append(dst, '-')
	dst = appendHexN(dst, uint64(le.Uint16(b[6:])), 4)
	dst = append(dst, '-')
	dst = appendHexBytes(dst, b[8:10])
	dst = append(dst, '-')
	dst = appendHexBytes(dst, b[10:16])
	return append(dst, '}')
}

func appendHexN(dst []byte, v uint64, digits int) []byte {
	for i := digits - 1; i >= 0; i-- {
		dst = append(dst, hexUpper[(v>>(4*uint(i)))&15])
	}
	return dst
}

// filetimeEpoch is the number of 100 ns intervals between 1601-01-01 and
// 1970-01-01.
const filetimeEpoch = 116444736000000000

// filetimeNanos converts a FILETIME to nanoseconds since the Unix epoch,
// clamping values outside the int64 range.
func filetimeNanos(ft uint64) int64 {
	d := int64(ft/10) - filetimeEpoch/10 // microseconds, cannot overflow
	if d > math.MaxInt64/1000 || d < math.MinInt64/1000 {
		if d > 0 {
			return math.MaxInt64
		}
		return math.MinInt64
	}
	return d*1000 + int64(ft%10)*100
}

// appendFiletime appends a FILETIME as ISO 8601 UTC with seven fractional
// digits (the 100 ns resolution of the value), as Windows renders it.
func appendFiletime(dst []byte, ft uint64) []byte {
	secs := int64(ft / 10_000_000)
	frac := ft % 10_000_000
	t := time.Unix(secs-filetimeEpoch/10_000_000, 0).UTC()
	dst = appendDateTime(dst, t)
	dst = append(dst, '.')
	dst = appendDigits(dst, frac, 7)
	return append(dst, 'Z')
}

func appendDateTime(dst []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	if y < 0 || y > 9999 {
		dst = strconv.AppendInt(dst, int64(y), 10)
	} else {
		dst = appendDigits(dst, uint64(y), 4)
	}
	dst = append(dst, '-')
	dst = appendDigits(dst, uint64(mo), 2)
	dst = append(dst, '-')
	dst = appendDigits(dst, uint64(d), 2)
	dst = append(dst, 'T')
	dst = appendDigits(dst, uint64(h), 2)
	dst = append(dst, ':')
	dst = appendDigits(dst, uint64(mi), 2)
	dst = append(dst, ':')
	return appendDigits(dst, uint64(s), 2)
}

func appendDigits(dst []byte, v uint64, n int) []byte {
	var buf [20]byte
	for i := n - 1; i >= 0; i-- {
		buf[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, buf[:n]...)
}

// appendSystemtime appends a SYSTEMTIME as ISO 8601 with milliseconds.
func appendSystemtime(dst, b []byte) []byte {
	le := binary.LittleEndian
	f := func(off, n int) { dst = appendDigits(dst, uint64(le.Uint16(b[off:])), n) }
	f(0, 4)
	dst = append(dst, '-')
	f(2, 2)
	dst = append(dst, '-')
	f(6, 2)
	dst = append(dst, 'T')
	f(8, 2)
	dst = append(dst, ':')
	f(10, 2)
	dst = append(dst, ':')
	f(12, 2)
	dst = append(dst, '.')
	f(14, 3)
	return append(dst, 'Z')
}

// appendSID appends a security identifier in S-R-I-S-S… form. Malformed
// data is rendered as hex.
func appendSID(dst, b []byte) []byte {
	if len(b) < 8 || len(b) < 8+4*int(b[1]) {
		return appendHexBytes(dst, b)
	}
	dst = append(dst, 'S', '-')
	dst = strconv.AppendUint(dst, uint64(b[0]), 10)
	dst = append(dst, '-')
	var auth uint64
	for _, c := range b[2:8] {
		auth = auth<<8 | uint64(c)
	}
	if auth >= 1<<32 {
		dst = appendHex(dst, auth)
	} else {
		dst = strconv.AppendUint(dst, auth, 10)
	}
	for i := 0; i < int(b[1]); i++ {
		dst = append(dst, '-')
		dst = strconv.AppendUint(dst, uint64(binary.LittleEndian.Uint32(b[8+4*i:])), 10)
	}
	return dst
}

// appendFloat renders a real the way Windows does for ordinary values:
// shortest representation that round-trips.
func appendFloat(dst []byte, v float64, bits int) []byte {
	switch {
	case math.IsInf(v, 1):
		return append(dst, "1.#INF"...)
	case math.IsInf(v, -1):
		return append(dst, "-1.#INF"...)
	case math.IsNaN(v):
		return append(dst, "-1.#IND"...)
	}
	return strconv.AppendFloat(dst, v, 'g', -1, bits)
}

// appendScalar appends one value of a non-array, non-BinXML type. Data of the
// wrong size for a fixed-size type is rendered as hex.
func appendScalar(dst []byte, t byte, b []byte) []byte {
	le := binary.LittleEndian
	if n := fixedSize(t); n != 0 && len(b) != n {
		return appendHexBytes(dst, b)
	}
	switch t {
	case typeNull:
		return dst
	case typeString, typeEvtXML:
		return appendUTF16(dst, b)
	case typeANSI:
		return appendANSI(dst, b)
	case typeInt8:
		return strconv.AppendInt(dst, int64(int8(b[0])), 10)
	case typeUint8:
		return strconv.AppendUint(dst, uint64(b[0]), 10)
	case typeInt16:
		return strconv.AppendInt(dst, int64(int16(le.Uint16(b))), 10)
	case typeUint16:
		return strconv.AppendUint(dst, uint64(le.Uint16(b)), 10)
	case typeInt32:
		return strconv.AppendInt(dst, int64(int32(le.Uint32(b))), 10)
	case typeUint32:
		return strconv.AppendUint(dst, uint64(le.Uint32(b)), 10)
	case typeInt64:
		return strconv.AppendInt(dst, int64(le.Uint64(b)), 10)
	case typeUint64:
		return strconv.AppendUint(dst, le.Uint64(b), 10)
	case typeReal32:
		return appendFloat(dst, float64(math.Float32frombits(le.Uint32(b))), 32)
	case typeReal64:
		return appendFloat(dst, math.Float64frombits(le.Uint64(b)), 64)
	case typeBool:
		if le.Uint32(b) != 0 {
			return append(dst, "true"...)
		}
		return append(dst, "false"...)
	case typeGUID:
		return appendGUID(dst, b)
	case typeSizeT, typeHex32, typeHex64, typeHandle:
		switch len(b) {
		case 4:
			return appendHex(dst, uint64(le.Uint32(b)))
		case 8:
			return appendHex(dst, le.Uint64(b))
		}
		return appendHexBytes(dst, b)
	case typeFileTime:
		return appendFiletime(dst, le.Uint64(b))
	case typeSysTime:
		return appendSystemtime(dst, b)
	case typeSID:
		return appendSID(dst, b)
	}
	// Binary and unknown types.
	return appendHexBytes(dst, b)
}

// forEachElem calls f for each element of an array value of base type t.
// Strings are NUL-separated; SIDs are self-sized; other types are fixed-size.
// size_t arrays take their element size from the total (4 or 8 bytes).
func forEachElem(t byte, b []byte, f func(elem []byte)) {
	switch t {
	case typeString:
		for len(b) >= 2 {
			i := 0
			for i+1 < len(b) && (b[i] != 0 || b[i+1] != 0) {
				i += 2
			}
			f(b[:i])
			if i+2 > len(b) {
				return
			}
			b = b[i+2:]
		}
	case typeANSI:
		for len(b) > 0 {
			i := 0
			for i < len(b) && b[i] != 0 {
				i++
			}
			f(b[:i])
			if i+1 > len(b) {
				return
			}
			b = b[i+1:]
		}
	case typeSID:
		for len(b) >= 8 {
			n := 8 + 4*int(b[1])
			if n > len(b) {
				f(b)
				return
			}
			f(b[:n])
			b = b[n:]
		}
	default:
		n := fixedSize(t)
		if t == typeSizeT || t == typeHandle {
			n = 8
			if len(b)%8 != 0 {
				n = 4
			}
		}
		if n == 0 {
			f(b)
			return
		}
		for len(b) >= n {
			f(b[:n])
			b = b[n:]
		}
	}
}
