package casecode

import "testing"

// gfMul multiplies in GF(2^5) the schoolbook way (carry-less product, then
// reduction by the modulus), independently of mulAlpha.
func gfMul(a, b byte) byte {
	var p uint16
	for i := 0; i < 5; i++ {
		if b&(1<<i) != 0 {
			p ^= uint16(a) << i
		}
	}
	for bit := 9; bit >= 5; bit-- {
		if p&(1<<bit) != 0 {
			p ^= uint16(0b100101) << (bit - 5)
		}
	}
	return byte(p)
}

func TestMulAlphaIsMultiplicationByTwo(t *testing.T) {
	for x := byte(0); x < 32; x++ {
		if got, want := mulAlpha(x), gfMul(2, x); got != want {
			t.Errorf("α·%d = %d, want %d", x, got, want)
		}
	}
}

// The modulus must make GF(2^5) a field; with α generating all 31 non-zero
// elements it is (a primitive polynomial is irreducible).
func TestAlphaGeneratesTheField(t *testing.T) {
	seen := map[byte]bool{}
	x := byte(1)
	for k := 1; k <= 31; k++ {
		x = mulAlpha(x)
		if seen[x] {
			t.Fatalf("α^%d = %d repeats an earlier power", k, x)
		}
		seen[x] = true
	}
	if x != 1 {
		t.Fatalf("α^31 = %d, want 1", x)
	}
	if len(seen) != 31 || seen[0] {
		t.Fatalf("powers of α cover %d elements, want the 31 non-zero ones", len(seen))
	}
}

func TestOperationIsLatinSquare(t *testing.T) {
	for a := byte(0); a < 32; a++ {
		var row, col [32]bool
		for b := byte(0); b < 32; b++ {
			r, c := op(a, b), op(b, a)
			if r > 31 || c > 31 {
				t.Fatalf("op out of range: %d∘%d = %d, %d∘%d = %d", a, b, r, b, a, c)
			}
			if row[r] {
				t.Errorf("row %d repeats %d", a, r)
			}
			if col[c] {
				t.Errorf("column %d repeats %d", a, c)
			}
			row[r], col[c] = true, true
		}
	}
}

// Total anti-symmetry, exhaustively: (c∘x)∘y ≠ (c∘y)∘x whenever x ≠ y.
func TestOperationIsTotallyAntiSymmetric(t *testing.T) {
	for c := byte(0); c < 32; c++ {
		for x := byte(0); x < 32; x++ {
			for y := byte(0); y < 32; y++ {
				if x != y && op(op(c, x), y) == op(op(c, y), x) {
					t.Errorf("(%d∘%d)∘%d = (%d∘%d)∘%d", c, x, y, c, y, x)
				}
			}
		}
	}
}

func TestCheckSymbolClosesInterim(t *testing.T) {
	for _, body := range [][]byte{
		make([]byte, BodyLength),
		{31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31, 31},
		{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17},
	} {
		full := append(append([]byte{}, body...), checkSymbol(body))
		if r := interim(full); r != 0 {
			t.Errorf("body %v: interim with check symbol = %d, want 0", body, r)
		}
	}
}
