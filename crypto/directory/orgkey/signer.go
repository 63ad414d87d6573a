package orgkey

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/tink-crypto/tink-go/v2/keyset"
	"github.com/tink-crypto/tink-go/v2/signature"
	tinked25519 "github.com/tink-crypto/tink-go/v2/signature/ed25519"

	"github.com/lanterne/lanterne/crypto/directory"
)

// Signer holds an organisation's signing keyset (tink, Ed25519 keys with no
// output prefix, so signatures are plain 64-byte Ed25519) and its key chain.
//
// Invariants: the chain passes directory.CheckChain for the Signer's org id;
// its keys are exactly the keyset's keys, in the order they were made, each
// chain id being the tink key id in 8 lower-case hex digits; the last one is
// the keyset's primary and the only enabled key. A Signer is not safe for
// concurrent use while Rotate runs.
type Signer struct {
	orgID  string
	handle *keyset.Handle
	chain  []directory.SigningKey
}

// keyParameters are the parameters of every key: Ed25519 with no prefix
// (tink's RAW output prefix).
func keyParameters() (*tinked25519.Parameters, error) {
	p, err := tinked25519.NewParameters(tinked25519.VariantNoPrefix)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// NewSigner makes a keyset with one fresh root key for the organisation
// orgID ([a-z0-9][a-z0-9-]{0,62}). The root key's fingerprint names the
// organisation for good: print it (Signer.Fingerprint) for the
// organisation's staff.
func NewSigner(orgID string) (*Signer, error) {
	if !directory.ValidOrgID(orgID) {
		return nil, errors.New("orgkey: org id must match [a-z0-9][a-z0-9-]{0,62}")
	}
	params, err := keyParameters()
	if err != nil {
		return nil, err
	}
	m := keyset.NewManager()
	id, err := m.AddNewKeyFromParameters(params)
	if err != nil {
		return nil, fmt.Errorf("orgkey: cannot make a signing key: %w", err)
	}
	if err := m.SetPrimary(id); err != nil {
		return nil, err
	}
	h, err := m.Handle()
	if err != nil {
		return nil, err
	}
	pub, err := publicKeyOf(h, id)
	if err != nil {
		return nil, err
	}
	return &Signer{orgID: orgID, handle: h, chain: []directory.SigningKey{{ID: keyID(id), PublicKey: pub}}}, nil
}

// OrgID returns the organisation id the Signer signs for.
func (s *Signer) OrgID() string { return s.orgID }

// Fingerprint returns the organisation's fingerprint (of the root key).
func (s *Signer) Fingerprint() string { return directory.Fingerprint(s.orgID, s.chain[0].PublicKey) }

// Chain returns a copy of the key chain: the root key first, the current
// signing key last.
func (s *Signer) Chain() []directory.SigningKey {
	out := make([]directory.SigningKey, len(s.chain))
	for i, k := range s.chain {
		out[i] = directory.SigningKey{ID: k.ID, PublicKey: bytes.Clone(k.PublicKey), Endorsement: bytes.Clone(k.Endorsement)}
	}
	return out
}

// Rotate adds a fresh key to the keyset, has the current signing key endorse
// it (directory.EndorsementMessage), makes it the signing key and disables
// the previous one. The fingerprint does not change. On error the Signer is
// unchanged.
//
// Rotation does not revoke: whoever holds an earlier private key can still
// endorse keys of their own. Rotate to move to new hardware or a new admin,
// not to recover from a stolen key; for that, make a new Signer and have
// staff pin its new fingerprint.
func (s *Signer) Rotate() error {
	if len(s.chain) >= directory.MaxChainLength {
		return fmt.Errorf("orgkey: the key chain already has %d keys", directory.MaxChainLength)
	}
	params, err := keyParameters()
	if err != nil {
		return err
	}
	old, err := s.handle.Primary()
	if err != nil {
		return err
	}
	m := keyset.NewManagerFromHandle(s.handle)
	id, err := m.AddNewKeyFromParameters(params) // enabled, not primary
	if err != nil {
		return fmt.Errorf("orgkey: cannot make a signing key: %w", err)
	}
	staged, err := m.Handle()
	if err != nil {
		return err
	}
	pub, err := publicKeyOf(staged, id)
	if err != nil {
		return err
	}
	// The staged handle's primary is still the current key: it endorses.
	endorsement, err := signWith(staged, directory.EndorsementMessage(s.orgID, pub))
	if err != nil {
		return err
	}
	if err := m.SetPrimary(id); err != nil {
		return err
	}
	if err := m.Disable(old.KeyID()); err != nil {
		return err
	}
	h, err := m.Handle()
	if err != nil {
		return err
	}
	chain := append(s.Chain(), directory.SigningKey{ID: keyID(id), PublicKey: pub, Endorsement: endorsement})
	if err := directory.CheckChain(s.orgID, chain); err != nil {
		return fmt.Errorf("orgkey: rotation made an invalid chain: %w", err)
	}
	s.handle, s.chain = h, chain
	return nil
}

// Sign signs d with the current key (see directory.Sign). It signs a copy of
// d whose Keys is the Signer's chain; d.OrgID must be the Signer's. It
// refuses what directory.Check refuses, so an organisation cannot publish a
// directory its clients would reject as malformed.
func (s *Signer) Sign(d *directory.Directory) ([]byte, error) {
	if d.OrgID != s.orgID {
		return nil, fmt.Errorf("%w: org_id is not the signer's organisation", directory.ErrMalformed)
	}
	c := *d
	c.Keys = s.Chain()
	return directory.Sign(&c, func(msg []byte) ([]byte, error) { return signWith(s.handle, msg) })
}

// signWith signs msg with h's primary key through tink.
func signWith(h *keyset.Handle, msg []byte) ([]byte, error) {
	signer, err := signature.NewSigner(h)
	if err != nil {
		return nil, fmt.Errorf("orgkey: cannot sign: %w", err)
	}
	return signer.Sign(msg)
}

// publicKeyOf returns the raw 32-byte public key of the key with tink id id,
// read from the keyset's public half (so no private key is exported), and
// checks that it is Ed25519 without output prefix.
func publicKeyOf(h *keyset.Handle, id uint32) ([]byte, error) {
	pub, err := h.Public()
	if err != nil {
		return nil, err
	}
	for i := 0; i < pub.Len(); i++ {
		e, err := pub.Entry(i)
		if err != nil {
			return nil, err
		}
		if e.KeyID() != id {
			continue
		}
		k, ok := e.Key().(*tinked25519.PublicKey)
		if !ok {
			return nil, errors.New("orgkey: keyset holds a key that is not Ed25519")
		}
		if p, ok := k.Parameters().(*tinked25519.Parameters); !ok || p.Variant() != tinked25519.VariantNoPrefix {
			return nil, errors.New("orgkey: keyset key has an output prefix, want NO_PREFIX")
		}
		return k.KeyBytes(), nil
	}
	return nil, fmt.Errorf("orgkey: no key %s in the keyset", keyID(id))
}

// keyID formats a tink key id as a chain key id: 8 lower-case hex digits.
func keyID(id uint32) string { return fmt.Sprintf("%08x", id) }
