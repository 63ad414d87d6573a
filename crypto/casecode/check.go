package casecode

// The check symbol is a Damm check over the quasigroup
//
//	x∘y = α·x ⊕ y
//
// on GF(2^5) = GF(2)[x]/(x^5+x^2+1), with α = x, the element 2. The interim
// starts at 0 and absorbs one symbol at a time: interim = interim∘symbol. A
// string is valid when its interim ends at 0, so the check symbol appended to
// a body with interim r is the unique c with r∘c = 0, that is c = α·r.
//
// Why every single substitution is caught. For a fixed left operand the map
// y ↦ x∘y is a bijection (xor with a constant), and for a fixed right operand
// x ↦ x∘y is a bijection (α is invertible, then xor). So the operation table
// is a Latin square. Changing one symbol changes the interim right after it
// (row bijection), and every later step keeps two different interims
// different (column bijection), so the final interim is no longer 0.
//
// Why every swap of two different neighbours is caught. With c the interim
// before them, (c∘x)∘y = α²·c ⊕ α·x ⊕ y and (c∘y)∘x = α²·c ⊕ α·y ⊕ x. If
// these were equal then α·x ⊕ y = α·y ⊕ x, so (α+1)·(x⊕y) = 0, and since
// α ≠ 1 and a field has no zero divisors, x = y. So for x ≠ y the interims
// after the pair differ, and by the column bijection so do the final ones.
// Nothing in the argument depends on the position, so it covers the swap of
// the last random symbol with the check symbol too.
//
// The tests check both properties exhaustively on the operation table and on
// every substitution and neighbour swap of thousands of random codes.

// modulus is x^5+x^2+1, an irreducible polynomial over GF(2).
const modulus = 0b100101

// mulAlpha returns α·x in GF(2^5): a shift left, reduced by the modulus.
func mulAlpha(x byte) byte {
	x <<= 1
	if x&0b100000 != 0 {
		x ^= modulus
	}
	return x
}

// op is the Damm quasigroup operation x∘y = α·x ⊕ y.
func op(x, y byte) byte { return mulAlpha(x) ^ y }

// interim runs the Damm check over symbol values (each 0..31) from interim 0.
func interim(symbols []byte) byte {
	var r byte
	for _, s := range symbols {
		r = op(r, s)
	}
	return r
}

// checkSymbol returns the symbol value that brings the interim of body to 0.
func checkSymbol(body []byte) byte { return mulAlpha(interim(body)) }
