package referentkey

import (
	"crypto/ed25519"
	"errors"
	"fmt"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

// MaxIDLen is the longest referent id a key file holds.
const MaxIDLen = 63

// Key is a referent's private keys.
type Key struct {
	// ID is the referent's id in the directory, matching
	// [a-z0-9][a-z0-9._-]{0,62} (the directory's rule), and not "reporter"
	// or "victim", which name other readers of a case.
	ID string
	// Age opens the wraps of case keys addressed to the referent.
	Age *agekey.Identity
	// Signing signs the referent's messages.
	Signing ed25519.PrivateKey
}

// ErrID is returned for a referent id that breaks the rules of Key.ID.
var ErrID = errors.New("referentkey: invalid referent id (want [a-z0-9][a-z0-9._-]{0,62}, not \"reporter\" or \"victim\")")

func validID(id string) bool { return len(id) <= MaxIDLen && directory.ValidReferentID(id) }

// Generate makes the keys of a new referent: a random age identity of kind
// (empty means agekey.Hybrid) and a random Ed25519 key.
func Generate(id string, kind agekey.Kind) (*Key, error) {
	if !validID(id) {
		return nil, ErrID
	}
	if kind == "" {
		kind = agekey.Hybrid
	}
	a, err := agekey.Generate(kind)
	if err != nil {
		return nil, fmt.Errorf("referentkey: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(nil) // nil: crypto/rand
	if err != nil {
		return nil, fmt.Errorf("referentkey: %w", err)
	}
	return &Key{ID: id, Age: a, Signing: priv}, nil
}

// check reports whether k is complete and consistent.
func (k *Key) check() error {
	if k == nil {
		return errors.New("referentkey: nil key")
	}
	if !validID(k.ID) {
		return ErrID
	}
	if k.Age == nil {
		return errors.New("referentkey: no age identity")
	}
	if len(k.Signing) != ed25519.PrivateKeySize ||
		!ed25519.NewKeyFromSeed(k.Signing.Seed()).Equal(k.Signing) {
		return errors.New("referentkey: invalid Ed25519 private key")
	}
	return nil
}

// Public returns the referent's entry for the directory, with the id, the age
// recipient and the Ed25519 verify key filled in. Name and Routes are left
// for the administrator.
func (k *Key) Public() directory.Referent {
	return directory.Referent{
		ID:           k.ID,
		AgeRecipient: k.Age.Recipient().String(),
		VerifyKey:    []byte(k.Signing.Public().(ed25519.PublicKey)),
	}
}
