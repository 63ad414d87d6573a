package casecode

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// FuzzParse: Parse never panics; whatever it accepts has a valid check,
// re-formats to strings that parse to the same code, and survives the
// transformations a person applies (lower case, other separators); whatever
// it refuses gets an error whose text is fixed by its kind and position, so
// it cannot echo the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"7QM2DX-9HRT4P-3VNW84",
		"7qm2dx 9hrt4p 3vnw84",
		"7QM2DX9HRT4P3VNW84",
		"7QM2DX\u00a09HRT4P\u202f3VNW84",
		"O1O1AB-OC1DOE-1FOG1X",
		"0101AB-0C1D0E-1F0G1" + string(alphabet[0]),
		"000000-000000-000000",
		"7QM2DX-9HRU4P-3VNW84",
		"7QM2DX-9HRT4P-3VNW85",
		"7QM2DX-9HRT4P-3VNW8",
		"7QM2DX-9HRT4P-3VNW8\xff",
		"",
		strings.Repeat("-", 65),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			if !c.IsZero() {
				t.Fatalf("error %v with a non-zero code", err)
			}
			var ce *CharError
			switch {
			case errors.As(err, &ce):
				want := fmt.Sprintf("casecode: character %d of the case code is not allowed: a case code has only digits and the letters A to Z except U", ce.Position)
				if err.Error() != want || ce.Position < 1 || ce.Position > len(s) {
					t.Fatalf("CharError %q at position %d", err, ce.Position)
				}
			case err == ErrLength, err == ErrTypo:
			default:
				t.Fatalf("unexpected error %q", err)
			}
			return
		}
		if len(s) > MaxInputLength {
			t.Fatalf("accepted %d bytes", len(s))
		}
		canon := c.Canonical()
		if len(canon) != Length || strings.Trim(canon, alphabet) != "" {
			t.Fatalf("canonical form %q", canon)
		}
		vals := make([]byte, Length)
		for i := range Length {
			vals[i] = byte(strings.IndexByte(alphabet, canon[i]))
		}
		if interim(vals) != 0 {
			t.Fatalf("accepted %q with a failing check", canon)
		}
		for _, again := range []string{c.String(), canon, strings.ToLower(c.String()), strings.ReplaceAll(c.String(), "-", "\u00a0")} {
			d, err := Parse(again)
			if err != nil || d != c {
				t.Fatalf("Parse(%q) = %v, %v; want %v", again, d, err, c)
			}
		}
	})
}
