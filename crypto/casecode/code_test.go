package casecode

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"math/big"
	"regexp"
	"strings"
	"testing"
	"testing/cryptotest"
)

// mustCode returns the canonical code for a 17-symbol body, computing its
// check symbol.
func mustCode(t testing.TB, body string) string {
	t.Helper()
	if len(body) != BodyLength {
		t.Fatalf("body %q has %d symbols", body, len(body))
	}
	vals := make([]byte, BodyLength)
	for i := range BodyLength {
		v := strings.IndexByte(alphabet, body[i])
		if v < 0 {
			t.Fatalf("body %q: %q is not a symbol", body, body[i])
		}
		vals[i] = byte(v)
	}
	return body + string(alphabet[checkSymbol(vals)])
}

var displayForm = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{6}-[0-9A-HJKMNP-TV-Z]{6}-[0-9A-HJKMNP-TV-Z]{6}$`)

// The contract: on at least 1,000 random codes, every single-symbol
// substitution (18 positions × 31 other symbols) and every swap of two
// different neighbours is refused as ErrTypo.
func TestEveryTypoIsCaught(t *testing.T) {
	cryptotest.SetGlobalRandom(t, 1)
	const codes = 2000
	substitutions, swaps := 0, 0
	for range codes {
		c, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		good := []byte(c.Canonical())
		for pos := range Length {
			for v := 0; v < len(alphabet); v++ {
				if alphabet[v] == good[pos] {
					continue
				}
				bad := append([]byte{}, good...)
				bad[pos] = alphabet[v]
				if _, err := Parse(string(bad)); !errors.Is(err, ErrTypo) {
					t.Fatalf("substitution at %d (%s → %s): Parse error %v, want ErrTypo", pos+1, good, bad, err)
				}
				substitutions++
			}
		}
		for pos := 0; pos+1 < Length; pos++ {
			if good[pos] == good[pos+1] {
				continue
			}
			bad := append([]byte{}, good...)
			bad[pos], bad[pos+1] = bad[pos+1], bad[pos]
			if _, err := Parse(string(bad)); !errors.Is(err, ErrTypo) {
				t.Fatalf("swap at %d-%d (%s → %s): Parse error %v, want ErrTypo", pos+1, pos+2, good, bad, err)
			}
			swaps++
		}
	}
	if want := codes * Length * 31; substitutions != want {
		t.Errorf("checked %d substitutions, want %d", substitutions, want)
	}
	// About 1/32 of neighbour pairs are equal and skipped.
	if swaps < codes*(Length-1)*9/10 {
		t.Errorf("checked only %d swaps", swaps)
	}
	t.Logf("%d codes: %d substitutions and %d neighbour swaps, all caught", codes, substitutions, swaps)
}

func TestGenerateRoundTrip(t *testing.T) {
	seen := map[Code]bool{}
	for range 200 {
		c, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		if c.IsZero() {
			t.Fatal("Generate returned the zero Code")
		}
		s := c.String()
		if !displayForm.MatchString(s) {
			t.Fatalf("String() = %q, want XXXXXX-XXXXXX-XXXXXX", s)
		}
		if strings.ReplaceAll(s, "-", "") != c.Canonical() || len(c.Canonical()) != Length {
			t.Fatalf("Canonical() = %q does not match String() = %q", c.Canonical(), s)
		}
		for _, in := range []string{s, c.Canonical(), strings.ToLower(s), strings.ReplaceAll(s, "-", " ")} {
			got, err := Parse(in)
			if err != nil || got != c {
				t.Fatalf("Parse(%q) = %v, %v; want %v", in, got, err, c)
			}
		}
		if seen[c] {
			t.Fatalf("Generate repeated %v", c)
		}
		seen[c] = true
	}
}

func TestGenerateReadsCryptoRand(t *testing.T) {
	gen := func(seed uint64) Code {
		var c Code
		t.Run("", func(t *testing.T) {
			cryptotest.SetGlobalRandom(t, seed)
			var err error
			if c, err = Generate(); err != nil {
				t.Fatal(err)
			}
		})
		return c
	}
	if a, b := gen(7), gen(7); a != b {
		t.Errorf("same crypto/rand stream gave %v and %v", a, b)
	}
	if a, b := gen(7), gen(8); a == b {
		t.Errorf("different crypto/rand streams both gave %v", a)
	}
}

// The body is the first 85 bits of the random stream, read big-endian five
// bits at a time: checked against math/big's base-32 digits of those bits.
func TestGenerateUsesEachRandomBitOnce(t *testing.T) {
	for seed := range uint64(50) {
		cryptotest.SetGlobalRandom(t, seed)
		buf := make([]byte, 11)
		if _, err := rand.Read(buf); err != nil {
			t.Fatal(err)
		}
		cryptotest.SetGlobalRandom(t, seed) // replay the same stream
		c, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		n := new(big.Int).Rsh(new(big.Int).SetBytes(buf), 3) // 85 bits
		var want []byte
		for range BodyLength {
			d := new(big.Int)
			n.DivMod(n, big.NewInt(32), d)
			want = append([]byte{alphabet[d.Int64()]}, want...)
		}
		if got := c.Canonical()[:BodyLength]; got != string(want) {
			t.Fatalf("seed %d: body %s, want %s from random bytes %x", seed, got, want, buf)
		}
	}
}

// Every body position must take all 32 values about equally often: a bug that
// drops or duplicates a bit shows up as missing or doubled values.
func TestGenerateIsUniform(t *testing.T) {
	cryptotest.SetGlobalRandom(t, 2)
	const n = 32 * 200
	var counts [BodyLength][32]int
	for range n {
		c, err := Generate()
		if err != nil {
			t.Fatal(err)
		}
		for i := range BodyLength {
			counts[i][strings.IndexByte(alphabet, c.Canonical()[i])]++
		}
	}
	for i := range BodyLength {
		chi2 := 0.0
		for _, k := range counts[i] {
			d := float64(k) - n/32
			chi2 += d * d / (n / 32)
		}
		// 31 degrees of freedom: P(χ² > 80) ≈ 4e-6. The seed is fixed, so
		// this is deterministic; a stuck bit gives χ² in the thousands.
		if chi2 > 80 {
			t.Errorf("position %d: χ² = %.1f, counts %v", i+1, chi2, counts[i])
		}
	}
}

func TestParseAccepts(t *testing.T) {
	code := mustCode(t, "7QM2DX9HRT4P3VNW8") // 7QM2DX9HRT4P3VNW84
	ones := mustCode(t, "0101AB0C1D0E1F0G1")
	tests := []struct {
		name, in, want string
	}{
		{"display form", "7QM2DX-9HRT4P-3VNW84", code},
		{"canonical", code, code},
		{"lower case", "7qm2dx-9hrt4p-3vnw84", code},
		{"mixed case", "7qM2dX-9HrT4p-3VnW84", code},
		{"spaces", "7QM2DX 9HRT4P 3VNW84", code},
		{"surrounding white space", "  7QM2DX-9HRT4P-3VNW84\n", code},
		{"groups of three", "7QM 2DX 9HR T4P 3VN W84", code},
		{"dots", "7QM2DX.9HRT4P.3VNW84", code},
		{"no-break spaces", "7QM2DX\u00a09HRT4P\u00a03VNW84", code},
		{"narrow no-break spaces", "7QM2DX\u202f9HRT4P\u202f3VNW84", code},
		{"en dashes", "7QM2DX\u20139HRT4P\u20133VNW84", code},
		{"non-breaking hyphens", "7QM2DX\u20119HRT4P\u20113VNW84", code},
		{"zero-width space", "7QM2DX\u200b9HRT4P3VNW84", code},
		{"underscores and tabs", "7QM2DX_9HRT4P\t3VNW84", code},
		{"plain", ones, ones},
		{"O for 0, I for 1", strings.NewReplacer("0", "O", "1", "I").Replace(ones), ones},
		{"o for 0, l for 1", strings.NewReplacer("0", "o", "1", "l").Replace(ones), ones},
		{"L for 1", strings.ReplaceAll(ones, "1", "L"), ones},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if c.Canonical() != tt.want {
				t.Errorf("Parse(%q) = %s, want %s", tt.in, c.Canonical(), tt.want)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	code := "7QM2DX9HRT4P3VNW84"
	display := "7QM2DX-9HRT4P-3VNW84"
	tests := []struct {
		name     string
		in       string
		want     error
		position int // for ErrInvalidCharacter
	}{
		{"empty", "", ErrLength, 0},
		{"only separators", " - . ", ErrLength, 0},
		{"one symbol short", code[:17], ErrLength, 0},
		{"one symbol too many", code + "0", ErrLength, 0},
		{"two codes", display + " " + display, ErrLength, 0},
		{"longer than 64 bytes though valid", display + strings.Repeat(" ", MaxInputLength-len(display)+1), ErrLength, 0},
		{"64 bytes with separators is read", display + strings.Repeat(" ", MaxInputLength-len(display)), nil, 0},
		{"U", "7QM2DX-9HRU4P-3VNW84", ErrInvalidCharacter, 10},
		{"u first", "uQM2DX-9HRT4P-3VNW84", ErrInvalidCharacter, 1},
		{"last", "7QM2DX-9HRT4P-3VNW8!", ErrInvalidCharacter, 18},
		{"bad character beyond 18 symbols", code + "0*", ErrInvalidCharacter, 20},
		{"bad character in a short code", "7QM2*", ErrInvalidCharacter, 5},
		{"star", "7QM2DX-9*RT4P-3VNW84", ErrInvalidCharacter, 8},
		{"comma", "7QM2DX,9HRT4P,3VNW84", ErrInvalidCharacter, 7},
		{"accented letter", "7QM2DX-9HRT4P-3VNWé4", ErrInvalidCharacter, 17},
		{"full-width letter", "７QM2DX-9HRT4P-3VNW84", ErrInvalidCharacter, 1},
		{"invalid UTF-8", "7QM2DX-9H\xffT4P-3VNW84", ErrInvalidCharacter, 9},
		{"NUL", "7QM2DX-9HRT4P-3VNW8\x00", ErrInvalidCharacter, 18},
		{"typo: check symbol", "7QM2DX-9HRT4P-3VNW85", ErrTypo, 0},
		{"typo: substitution", "7QM2DX-9HRT4P-3VMW84", ErrTypo, 0},
		{"typo: swap across a separator", "7QM2D9-XHRT4P-3VNW84", ErrTypo, 0},
	}
	kinds := []error{ErrLength, ErrInvalidCharacter, ErrTypo}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse(tt.in)
			if tt.want == nil {
				if err != nil || c.Canonical() != code {
					t.Fatalf("Parse = %v, %v; want %s", c, err, code)
				}
				return
			}
			if err == nil {
				t.Fatalf("Parse accepted %q as %v", tt.in, c)
			}
			if !c.IsZero() {
				t.Errorf("Parse returned %v with an error", c)
			}
			for _, k := range kinds {
				if errors.Is(err, k) != (k == tt.want) {
					t.Errorf("error %q: errors.Is(%q) = %v", err, k, !(k == tt.want))
				}
			}
			var ce *CharError
			if errors.As(err, &ce) && ce.Position != tt.position {
				t.Errorf("error names position %d, want %d", ce.Position, tt.position)
			}
			assertNoEcho(t, err, tt.in)
		})
	}
}

// assertNoEcho fails if the error shows any run of four or more symbols of
// the input: errors must not leak a code.
func assertNoEcho(t *testing.T, err error, in string) {
	t.Helper()
	msg := strings.ToUpper(err.Error())
	var runs []string
	cur := []rune{}
	for _, r := range strings.ToUpper(in) {
		if strings.ContainsRune(alphabet, r) {
			cur = append(cur, r)
			continue
		}
		if !isSeparator(r) {
			cur = append(cur, r)
		}
	}
	for i := 0; i+4 <= len(cur); i++ {
		runs = append(runs, string(cur[i:i+4]))
	}
	for _, r := range runs {
		if strings.Contains(msg, r) {
			t.Errorf("error %q echoes %q from the input", err, r)
		}
	}
}

func TestZeroCode(t *testing.T) {
	var c Code
	if !c.IsZero() || c.String() != "" || c.Canonical() != "" {
		t.Errorf("zero Code: IsZero %v, String %q, Canonical %q", c.IsZero(), c.String(), c.Canonical())
	}
	// All zeros is a well-formed code (probability 2^-85 from Generate) and
	// is not the zero Code.
	p, err := Parse("000000-000000-000000")
	if err != nil || p.IsZero() {
		t.Errorf("Parse(all zeros) = %v, %v", p, err)
	}
}

func TestCodeJSON(t *testing.T) {
	c, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(struct{ Code Code }{c})
	if err != nil || string(b) != `{"Code":"`+c.String()+`"}` {
		t.Fatalf("marshal: %s %v", b, err)
	}
	var back struct{ Code Code }
	if err := json.Unmarshal(b, &back); err != nil || back.Code != c {
		t.Fatalf("unmarshal: %v", err)
	}
	typo := `{"Code":"` + string(otherSymbol(c.String()[0])) + c.String()[1:] + `"}`
	if err := json.Unmarshal([]byte(typo), &back); !errors.Is(err, ErrTypo) {
		t.Errorf("a code with a typo unmarshalled: %v", err)
	}
}

func otherSymbol(b byte) byte {
	if b == '0' {
		return '1'
	}
	return '0'
}
