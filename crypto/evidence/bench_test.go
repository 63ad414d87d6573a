package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"testing"

	"github.com/lanterne/lanterne/crypto/evidence"
)

func sha256Sum(b []byte) [32]byte { return sha256.Sum256(b) }

var benchSizes = []int{1 * MiB, 64 * MiB}

// BenchmarkEncrypt measures EncryptFrom to a hybrid (ML-KEM-768 + X25519)
// recipient, header included, hashes included.
func BenchmarkEncrypt(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("%dMiB", n/MiB), func(b *testing.B) {
			plaintext := randomBytes(n, 1)
			discard := func(evidence.Chunk) error { return nil }
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := evidence.EncryptFrom(bytes.NewReader(plaintext), caseKey.Recipient(), discard, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecrypt measures Decrypt with the manifest check, reading to EOF.
func BenchmarkDecrypt(b *testing.B) {
	for _, n := range benchSizes {
		b.Run(fmt.Sprintf("%dMiB", n/MiB), func(b *testing.B) {
			chunks, sum := encrypt(b, randomBytes(n, 1))
			ct := concat(chunks)
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				r, err := evidence.Decrypt(bytes.NewReader(ct), sum, caseKey)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
