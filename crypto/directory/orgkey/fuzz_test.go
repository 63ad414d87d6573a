package orgkey

import (
	"crypto/ed25519"
	"errors"
	"testing"

	"github.com/lanterne/lanterne/crypto/directory"
)

// FuzzDecodeKeyFile feeds arbitrary plaintext to the key file decoder (what
// is inside the age scrypt layer). It must never panic, and must refuse with
// ErrKeyFile or return a Signer whose chain is valid and whose primary key
// signs for the chain's last key.
func FuzzDecodeKeyFile(f *testing.F) {
	for _, rotations := range []int{0, 2} {
		s, err := NewSigner("mairie-exemple")
		if err != nil {
			f.Fatal(err)
		}
		for range rotations {
			s.Rotate()
		}
		f.Add(plaintextOf(f, s))
	}
	f.Add([]byte(`{"format":"lanterne-org-keyset/1","org_id":"a","keyset":"","chain":[]}`))
	f.Fuzz(func(t *testing.T, plain []byte) {
		s, err := decodeKeyFile(plain)
		if err != nil {
			if !errors.Is(err, ErrKeyFile) {
				t.Fatalf("err = %v, want ErrKeyFile", err)
			}
			return
		}
		if err := directory.CheckChain(s.orgID, s.chain); err != nil {
			t.Fatal(err)
		}
		msg := []byte("fuzz")
		sig, err := signWith(s.handle, msg)
		if err != nil {
			t.Fatal(err)
		}
		last := s.chain[len(s.chain)-1]
		if !ed25519.Verify(last.PublicKey, msg, sig) {
			t.Fatal("the loaded primary key does not sign for the chain's last key")
		}
	})
}
