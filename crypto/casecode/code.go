package casecode

import (
	"crypto/rand"
	"errors"
	"fmt"
	"unicode/utf8"
)

const (
	// Length is the number of symbols in a code: BodyLength random symbols
	// and one check symbol.
	Length = 18
	// BodyLength is the number of random symbols, 5 bits each (85 bits).
	BodyLength = Length - 1
	// GroupLength is the size of the groups String shows.
	GroupLength = 6
	// MaxInputLength is the longest input, in bytes, Parse reads; longer input
	// is refused with ErrLength before it is looked at.
	MaxInputLength = 64
)

var (
	// ErrLength is returned by Parse when the input does not hold exactly
	// Length symbols once separators are removed, or is longer than
	// MaxInputLength bytes.
	ErrLength = errors.New("casecode: a case code has 18 characters")
	// ErrTypo is returned by Parse when every character is allowed but the
	// check symbol does not match: the code was mistyped.
	ErrTypo = errors.New("casecode: the case code contains a typo: check each character")
	// ErrInvalidCharacter is what a *CharError matches with errors.Is.
	ErrInvalidCharacter = errors.New("casecode: the case code contains a character that is not allowed")
	// errZeroCode is returned by Derive for the zero Code.
	errZeroCode = errors.New("casecode: empty case code")
)

// CharError reports a character that cannot be part of a code. It names the
// position and never the character, so it is safe to log and to show.
type CharError struct {
	// Position counts the code's characters from 1, separators not
	// included: in "7QM2DX-9HRU4P-…" the U is at position 10.
	Position int
}

func (e *CharError) Error() string {
	return fmt.Sprintf("casecode: character %d of the case code is not allowed: a case code has only digits and the letters A to Z except U", e.Position)
}

// Is makes errors.Is(err, ErrInvalidCharacter) true for a *CharError.
func (e *CharError) Is(target error) bool { return target == ErrInvalidCharacter }

// Code is a well-formed case code: 18 symbols whose check symbol matches.
// The zero Code is not a code; Generate and Parse never return it without an
// error. Codes are comparable with ==.
type Code struct {
	canonical string // Length symbols from alphabet, or "" for the zero Code
}

// Generate returns a new random code from crypto/rand.
func Generate() (Code, error) {
	// 17 symbols × 5 bits = 85 bits, read from 11 bytes (88 bits) as one
	// big-endian bit string; the last 3 bits are dropped. Every symbol is
	// exactly five random bits, so there is no modulo bias to reject.
	var buf [(BodyLength*5 + 7) / 8]byte
	if _, err := rand.Read(buf[:]); err != nil {
		return Code{}, err
	}
	var vals [Length]byte
	for i := range BodyLength {
		bit := i * 5
		// Read two bytes around the symbol's bits; the second byte is 0 past
		// the end, where no symbol reaches.
		hi := uint16(buf[bit/8]) << 8
		if bit/8+1 < len(buf) {
			hi |= uint16(buf[bit/8+1])
		}
		vals[i] = byte(hi>>(11-bit%8)) & 0x1f
	}
	vals[BodyLength] = checkSymbol(vals[:BodyLength])
	return fromValues(vals), nil
}

// fromValues makes the Code of Length symbol values. The caller guarantees
// that the check holds.
func fromValues(vals [Length]byte) Code {
	var b [Length]byte
	for i, v := range vals {
		b[i] = alphabet[v]
	}
	return Code{canonical: string(b[:])}
}

// Parse reads a code as a person types it: case does not matter; spaces,
// hyphens, dots, underscores, non-breaking and zero-width spaces between
// symbols are ignored; O is read as 0 and I and L as 1. The errors are
// distinct so a user interface can explain them: a *CharError (matching
// ErrInvalidCharacter) for the first character that is not allowed, ErrLength
// for a wrong number of symbols, ErrTypo when the check symbol does not
// match. No error contains the input.
func Parse(s string) (Code, error) {
	if len(s) > MaxInputLength {
		return Code{}, ErrLength
	}
	var vals [Length]byte
	n := 0
	for _, r := range s {
		if isSeparator(r) {
			continue
		}
		n++
		if r >= utf8.RuneSelf { // includes utf8.RuneError for invalid UTF-8
			return Code{}, &CharError{Position: n}
		}
		v, ok := symbolValue(byte(r))
		if !ok {
			return Code{}, &CharError{Position: n}
		}
		if n <= Length {
			vals[n-1] = v
		}
	}
	if n != Length {
		return Code{}, ErrLength
	}
	if interim(vals[:]) != 0 {
		return Code{}, ErrTypo
	}
	return fromValues(vals), nil
}

// String returns the display form: three groups of six symbols joined by
// hyphens, 7QM2DX-9HRT4P-3VNW84. It is the secret itself: show it to its
// owner, never log it. The zero Code gives "".
func (c Code) String() string {
	if c.canonical == "" {
		return ""
	}
	b := make([]byte, 0, Length+Length/GroupLength-1)
	for i := 0; i < Length; i += GroupLength {
		if i > 0 {
			b = append(b, '-')
		}
		b = append(b, c.canonical[i:i+GroupLength]...)
	}
	return string(b)
}

// Canonical returns the 18 upper-case symbols without separators, the form
// that enters the key derivation. The zero Code gives "".
func (c Code) Canonical() string { return c.canonical }

// IsZero reports whether c is the zero Code, which is not a code.
func (c Code) IsZero() bool { return c.canonical == "" }

// MarshalText implements encoding.TextMarshaler with the display form, so
// that a receipt saved as JSON shows the code as the reporter saw it.
func (c Code) MarshalText() ([]byte, error) {
	if c.IsZero() {
		return []byte{}, nil
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with Parse.
func (c *Code) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = Code{}
		return nil
	}
	p, err := Parse(string(b))
	if err != nil {
		return err
	}
	*c = p
	return nil
}
