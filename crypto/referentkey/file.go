package referentkey

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// Header is the first line of a key file's plaintext.
const Header = "# lanterne referent key v1"

// Line prefixes of the plaintext.
const (
	idPrefix   = "# id: "
	seedPrefix = "# ed25519-seed: "
)

// maxPlaintextLen bounds the plaintext ParsePlaintext reads; a valid one is
// under 250 bytes.
const maxPlaintextLen = 1024

// ErrMalformed is returned for a plaintext that is not a key file. It never
// contains any part of the input.
var ErrMalformed = errors.New("referentkey: malformed key file")

// plaintext returns the key file's plaintext:
//
//	# lanterne referent key v1 LF
//	# id: <id> LF
//	# ed25519-seed: <standard base64 of the 32-byte seed> LF
//	<age secret key> LF
func (k *Key) plaintext() []byte {
	return []byte(Header + "\n" +
		idPrefix + k.ID + "\n" +
		seedPrefix + base64.StdEncoding.EncodeToString(k.Signing.Seed()) + "\n" +
		k.Age.String() + "\n")
}

// Marshal seals the key under passphrase with age's scrypt recipient.
// workFactor is log2 of scrypt's N, from 1 to agekey.DefaultWorkFactor+2 (the
// most Parse accepts); use agekey.DefaultWorkFactor outside tests.
func Marshal(k *Key, passphrase string, workFactor int) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	if workFactor < 1 || workFactor > agekey.DefaultWorkFactor+2 {
		return nil, fmt.Errorf("referentkey: work factor must be between 1 and %d", agekey.DefaultWorkFactor+2)
	}
	sealed, err := agekey.SealWithPassphrase(k.plaintext(), passphrase, workFactor)
	if err != nil {
		return nil, fmt.Errorf("referentkey: %w", err)
	}
	return sealed, nil
}

// Parse opens a key file with its passphrase. It returns an error wrapping
// agekey.ErrWrongPassphrase when the passphrase is wrong or the file damaged,
// and ErrMalformed when it opens but is not a referent key file.
func Parse(sealed []byte, passphrase string) (*Key, error) {
	if passphrase == "" {
		// Marshal never seals under an empty passphrase.
		return nil, fmt.Errorf("referentkey: %w", agekey.ErrWrongPassphrase)
	}
	p, err := agekey.OpenWithPassphrase(sealed, passphrase)
	if err != nil {
		return nil, fmt.Errorf("referentkey: %w", err)
	}
	return ParsePlaintext(p)
}

// ParsePlaintext reads a key file already decrypted, e.g. by `age -d`. It
// accepts only the exact bytes Marshal seals: the header, a valid id, the
// seed in padded standard base64, the age secret key in its canonical form,
// each line ending in LF, nothing after.
func ParsePlaintext(p []byte) (*Key, error) {
	if len(p) > maxPlaintextLen {
		return nil, ErrMalformed
	}
	lines := strings.Split(string(p), "\n")
	if len(lines) != 5 || lines[0] != Header || lines[4] != "" {
		return nil, ErrMalformed
	}
	id, ok := strings.CutPrefix(lines[1], idPrefix)
	if !ok || !validID(id) {
		return nil, ErrMalformed
	}
	seedText, ok := strings.CutPrefix(lines[2], seedPrefix)
	if !ok {
		return nil, ErrMalformed
	}
	seed, err := base64.StdEncoding.Strict().DecodeString(seedText)
	if err != nil || len(seed) != ed25519.SeedSize || base64.StdEncoding.EncodeToString(seed) != seedText {
		return nil, ErrMalformed
	}
	a, err := agekey.ParseIdentity(lines[3])
	if err != nil || a.String() != lines[3] {
		return nil, ErrMalformed
	}
	return &Key{ID: id, Age: a, Signing: ed25519.NewKeyFromSeed(seed)}, nil
}
