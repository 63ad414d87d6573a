package agekey

import (
	"errors"
	"fmt"
	"strings"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/internal/bech32"
)

// Kind names a family of age keys.
type Kind string

const (
	// Hybrid is ML-KEM-768 + X25519 (age1pq1…), safe against a future quantum
	// computer. It is the default for every key Lanterne makes.
	Hybrid Kind = "hybrid"
	// X25519 is classic age (age1…), for tools that predate age 1.3. Lanterne
	// uses it only where a caller chose it explicitly.
	X25519 Kind = "x25519"
)

// SeedSize is the length of the seed FromSeed takes.
const SeedSize = 32

// ErrUnknownKind is returned for a Kind other than Hybrid and X25519.
var ErrUnknownKind = errors.New("agekey: unknown key kind")

// Identity is an age private key together with its public recipient.
// It implements age.Identity.
type Identity struct {
	kind      Kind
	identity  age.Identity
	recipient *Recipient
	secret    string
}

// Recipient is an age public key. It implements age.Recipient and
// age.RecipientWithLabels, so age applies its rule that post-quantum and
// classic recipients are not mixed in one file.
type Recipient struct {
	kind      Kind
	recipient age.Recipient
	text      string
}

// Generate makes a new random identity of the given kind.
func Generate(kind Kind) (*Identity, error) {
	switch kind {
	case Hybrid:
		id, err := age.GenerateHybridIdentity()
		if err != nil {
			return nil, err
		}
		return newIdentity(Hybrid, id, id.Recipient(), id.String(), id.Recipient().String()), nil
	case X25519:
		id, err := age.GenerateX25519Identity()
		if err != nil {
			return nil, err
		}
		return newIdentity(X25519, id, id.Recipient(), id.String(), id.Recipient().String()), nil
	}
	return nil, ErrUnknownKind
}

// FromSeed derives the identity of the given kind from a 32-byte seed. For
// Hybrid the seed is the ML-KEM-768-X25519 private key seed; for X25519 it is
// the scalar. Both are what age itself stores inside the secret key string.
func FromSeed(kind Kind, seed []byte) (*Identity, error) {
	if len(seed) != SeedSize {
		return nil, fmt.Errorf("agekey: seed must be %d bytes", SeedSize)
	}
	var hrp string
	switch kind {
	case Hybrid:
		hrp = "AGE-SECRET-KEY-PQ-"
	case X25519:
		hrp = "AGE-SECRET-KEY-"
	default:
		return nil, ErrUnknownKind
	}
	s, err := bech32.Encode(hrp, seed)
	if err != nil {
		return nil, errors.New("agekey: cannot encode seed")
	}
	return ParseIdentity(s)
}

// ParseIdentity parses an age secret key string of either kind.
func ParseIdentity(s string) (*Identity, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "AGE-SECRET-KEY-PQ-1"):
		id, err := age.ParseHybridIdentity(s)
		if err != nil {
			return nil, errors.New("agekey: malformed hybrid secret key")
		}
		return newIdentity(Hybrid, id, id.Recipient(), id.String(), id.Recipient().String()), nil
	case strings.HasPrefix(s, "AGE-SECRET-KEY-1"):
		id, err := age.ParseX25519Identity(s)
		if err != nil {
			return nil, errors.New("agekey: malformed X25519 secret key")
		}
		return newIdentity(X25519, id, id.Recipient(), id.String(), id.Recipient().String()), nil
	}
	// Never echo s: it may be key material.
	return nil, errors.New("agekey: not an age secret key")
}

// ParseRecipient parses an age public key. A classic X25519 key is refused
// unless allowClassic is true: Lanterne is post-quantum by default.
func ParseRecipient(s string, allowClassic bool) (*Recipient, error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "age1pq1"):
		r, err := age.ParseHybridRecipient(s)
		if err != nil {
			return nil, fmt.Errorf("agekey: malformed hybrid recipient")
		}
		return &Recipient{kind: Hybrid, recipient: r, text: r.String()}, nil
	case strings.HasPrefix(s, "age1"):
		if !allowClassic {
			return nil, errors.New("agekey: classic X25519 recipient refused: Lanterne requires post-quantum (age1pq1…) keys unless classic keys are enabled explicitly")
		}
		r, err := age.ParseX25519Recipient(s)
		if err != nil {
			return nil, fmt.Errorf("agekey: malformed X25519 recipient")
		}
		return &Recipient{kind: X25519, recipient: r, text: r.String()}, nil
	}
	return nil, errors.New("agekey: not an age recipient (want age1pq1… or age1…)")
}

func newIdentity(kind Kind, id age.Identity, r age.Recipient, secret, public string) *Identity {
	return &Identity{
		kind:      kind,
		identity:  id,
		recipient: &Recipient{kind: kind, recipient: r, text: public},
		secret:    secret,
	}
}

// Kind reports the identity's key family.
func (i *Identity) Kind() Kind { return i.kind }

// Recipient returns the public key that encrypts to this identity.
func (i *Identity) Recipient() *Recipient { return i.recipient }

// String returns the secret key in age's text form. Treat it as a secret.
func (i *Identity) String() string { return i.secret }

// Unwrap implements age.Identity.
func (i *Identity) Unwrap(stanzas []*age.Stanza) ([]byte, error) {
	return i.identity.Unwrap(stanzas)
}

// Kind reports the recipient's key family.
func (r *Recipient) Kind() Kind { return r.kind }

// String returns the public key in age's text form (age1pq1… or age1…).
func (r *Recipient) String() string { return r.text }

// Wrap implements age.Recipient.
func (r *Recipient) Wrap(fileKey []byte) ([]*age.Stanza, error) {
	return r.recipient.Wrap(fileKey)
}

// WrapWithLabels implements age.RecipientWithLabels.
func (r *Recipient) WrapWithLabels(fileKey []byte) ([]*age.Stanza, []string, error) {
	if rl, ok := r.recipient.(age.RecipientWithLabels); ok {
		return rl.WrapWithLabels(fileKey)
	}
	s, err := r.recipient.Wrap(fileKey)
	return s, nil, err
}
