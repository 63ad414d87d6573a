package evidence_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/evidence"
)

// TestSpecExample checks the worked example of docs/protocol.md §8.5: the
// parts of it that do not depend on age's randomness (sizes, chunking,
// plaintext hash).
func TestSpecExample(t *testing.T) {
	id, err := agekey.FromSeed(agekey.Hybrid, bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	plaintext := strings.Repeat("photo bytes ", 10000)
	var sizes []int
	var firstChunkHash string
	sum, err := evidence.EncryptFrom(strings.NewReader(plaintext), id.Recipient(), func(c evidence.Chunk) error {
		sizes = append(sizes, len(c.Data))
		if c.Index == 0 {
			firstChunkHash = hex.EncodeToString(c.SHA256[:])
			if !bytes.HasPrefix(c.Data, []byte("age-encryption.org/v1\n-> mlkem768x25519 ")) {
				t.Errorf("chunk 0 starts %q", c.Data[:40])
			}
		}
		return nil
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	ph := sha256.Sum256([]byte(plaintext))
	t.Logf("plaintext sha256 %x, ciphertext %d bytes sha256 %x, chunk sizes %v, chunk 0 sha256 %s",
		ph, sum.CiphertextSize, sum.CiphertextSHA256, sizes, firstChunkHash)
	const header = 1627 // age header of one hybrid recipient, "---" line and MAC included
	if hex.EncodeToString(ph[:]) != "dabd3ea83269ec35a026dc446b1257ba542b8f6a434bdfc47d1eb855cbdfe824" || sum.PlaintextSHA256 != ph {
		t.Errorf("plaintext SHA-256 %x", ph)
	}
	if sum.PlaintextSize != 120000 || sum.CiphertextSize != header+16+120000+2*16 || sum.Chunks != 2 ||
		sizes[0] != 65536 || sizes[1] != int(sum.CiphertextSize)-65536 {
		t.Errorf("summary %+v, chunks %v", sum, sizes)
	}
}
