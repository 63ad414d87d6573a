package casecode

import "strings"

// alphabet is Crockford's base32: digits, then letters without I, L, O, U.
// A symbol's value is its index here.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// symbolValue returns the value of one typed character: the digits and
// letters of the alphabet in either case, and the aliases O→0, I→1, L→1.
// U and every other byte are refused.
func symbolValue(c byte) (byte, bool) {
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	switch c {
	case 'O':
		c = '0'
	case 'I', 'L':
		c = '1'
	}
	i := strings.IndexByte(alphabet, c)
	if i < 0 {
		return 0, false
	}
	return byte(i), true
}

// isSeparator reports whether r is something people or phone keyboards put
// between the groups of a code: white space of any kind (including the
// non-breaking and narrow no-break spaces), hyphens and dashes, dots,
// underscores and the invisible formatting characters that copy and paste
// brings along.
func isSeparator(r rune) bool {
	switch r {
	case
		// ASCII white space
		' ', '\t', '\n', '\r', '\v', '\f',
		// no-break space, narrow no-break space (French typography),
		// typographic spaces
		'\u00a0', '\u202f', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003',
		'\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
		'\u205f', '\u3000',
		// hyphens, dashes, minus sign, soft hyphen
		'-', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212', '\u00ad',
		// dots, middle dot, bullet, underscore
		'.', '\u00b7', '\u2022', '\u2024', '\u2027', '_',
		// zero-width space, joiners, word joiner, byte order mark
		'\u200b', '\u200c', '\u200d', '\u2060', '\ufeff':
		return true
	}
	return false
}
