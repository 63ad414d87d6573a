package directory

import (
	"fmt"
	"testing"
)

// BenchmarkVerify measures the client's trust check on directories signed
// with fixed keys: a small one, and a larger one after two rotations.
func BenchmarkVerify(b *testing.B) {
	for _, shape := range []struct{ referents, keys int }{{3, 1}, {20, 3}} {
		signed, pin := fixedSigned(b, shape.referents, shape.keys)
		b.Run(fmt.Sprintf("referents=%d/keys=%d", shape.referents, shape.keys), func(b *testing.B) {
			b.SetBytes(int64(len(signed)))
			for b.Loop() {
				if _, err := Verify(signed, pin, 0, testNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
