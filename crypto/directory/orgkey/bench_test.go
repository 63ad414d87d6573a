package orgkey

import "testing"

// BenchmarkSign measures the admin's signing with the tink keyset,
// including directory.Check.
func BenchmarkSign(b *testing.B) {
	s, err := NewSigner(testOrg)
	if err != nil {
		b.Fatal(err)
	}
	d := testDirectory(b, 1)
	for b.Loop() {
		if _, err := s.Sign(d); err != nil {
			b.Fatal(err)
		}
	}
}
