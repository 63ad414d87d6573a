package orgkey

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/tink-crypto/tink-go/v2/insecurecleartextkeyset"
	"github.com/tink-crypto/tink-go/v2/keyset"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

// ErrKeyFile is returned when a sealed key file opens but does not hold a
// consistent keyset and chain.
var ErrKeyFile = errors.New("orgkey: not a valid organisation key file")

// keyFileFormat is the format field of an organisation key file.
const keyFileFormat = "lanterne-org-keyset/1"

// keyFile is the plaintext of an organisation key file, sealed as a whole
// with agekey.SealWithPassphrase (age scrypt).
type keyFile struct {
	Format string `json:"format"`
	OrgID  string `json:"org_id"`
	// Keyset is the tink keyset in tink's binary (protobuf) form, in clear
	// inside the sealed file.
	Keyset []byte                 `json:"keyset"`
	Chain  []directory.SigningKey `json:"chain"`
}

// MarshalPrivate returns the organisation's private keyset and key chain,
// sealed under passphrase with age's scrypt recipient: a plain age file that
// `age -d` opens. workFactor is log2 of scrypt's N; use
// agekey.DefaultWorkFactor outside tests.
//
// The keyset leaves tink in clear (insecurecleartextkeyset) only here,
// straight into the age encryption. The alternative, tink's keyset.Write with
// an AEAD, would need a key-encryption key derived from the passphrase by
// hand; age scrypt already is passphrase-based authenticated encryption that
// the reference tool opens, and the chain travels in the same sealed file.
func (s *Signer) MarshalPrivate(passphrase string, workFactor int) ([]byte, error) {
	var ks bytes.Buffer
	if err := insecurecleartextkeyset.Write(s.handle, keyset.NewBinaryWriter(&ks)); err != nil {
		return nil, fmt.Errorf("orgkey: cannot serialise the keyset: %w", err)
	}
	plain, err := json.Marshal(&keyFile{Format: keyFileFormat, OrgID: s.orgID, Keyset: ks.Bytes(), Chain: s.chain})
	clear(ks.Bytes())
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return agekey.SealWithPassphrase(plain, passphrase, workFactor)
}

// UnmarshalPrivate opens what MarshalPrivate sealed. A wrong passphrase or a
// damaged file gives an error wrapping agekey.ErrWrongPassphrase; a file
// that opens but whose keyset and chain are not consistent gives an error
// wrapping ErrKeyFile.
func UnmarshalPrivate(sealed []byte, passphrase string) (*Signer, error) {
	plain, err := agekey.OpenWithPassphrase(sealed, passphrase)
	if err != nil {
		return nil, fmt.Errorf("orgkey: cannot open the organisation key file: %w", err)
	}
	defer clear(plain)
	return decodeKeyFile(plain)
}

// decodeKeyFile parses and checks the plaintext of a key file: the chain is
// valid, the keyset holds exactly the chain's keys, all Ed25519 without
// prefix, the last one primary and the only one enabled, and the primary
// signs for the last public key of the chain.
func decodeKeyFile(plain []byte) (*Signer, error) {
	var kf keyFile
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		return nil, fmt.Errorf("%w: invalid JSON or unknown field", ErrKeyFile)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the JSON value", ErrKeyFile)
	}
	if kf.Format != keyFileFormat {
		return nil, fmt.Errorf("%w: format is not %q", ErrKeyFile, keyFileFormat)
	}
	if !directory.ValidOrgID(kf.OrgID) {
		return nil, fmt.Errorf("%w: bad org id", ErrKeyFile)
	}
	if err := directory.CheckChain(kf.OrgID, kf.Chain); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
	}
	h, err := insecurecleartextkeyset.Read(keyset.NewBinaryReader(bytes.NewReader(kf.Keyset)))
	clear(kf.Keyset)
	if err != nil {
		return nil, fmt.Errorf("%w: the keyset does not parse", ErrKeyFile)
	}
	if h.Len() != len(kf.Chain) {
		return nil, fmt.Errorf("%w: the keyset has %d keys, the chain %d", ErrKeyFile, h.Len(), len(kf.Chain))
	}
	primary, err := h.Primary()
	if err != nil {
		return nil, fmt.Errorf("%w: no primary key", ErrKeyFile)
	}
	last := kf.Chain[len(kf.Chain)-1]
	if keyID(primary.KeyID()) != last.ID {
		return nil, fmt.Errorf("%w: the primary key is not the last key of the chain", ErrKeyFile)
	}
	for i := 0; i < h.Len(); i++ {
		e, err := h.Entry(i)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
		}
		if e.KeyStatus() == keyset.Enabled && !e.IsPrimary() {
			return nil, fmt.Errorf("%w: a retired key is still enabled", ErrKeyFile)
		}
	}
	// Chain ids are distinct (CheckChain) and as many as the keyset's keys:
	// finding each one makes chain and keyset the same set.
	for _, k := range kf.Chain {
		id, err := strconv.ParseUint(k.ID, 16, 32)
		if err != nil {
			return nil, fmt.Errorf("%w: bad key id", ErrKeyFile)
		}
		pub, err := publicKeyOf(h, uint32(id))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrKeyFile, err)
		}
		if !bytes.Equal(pub, k.PublicKey) {
			return nil, fmt.Errorf("%w: chain key %s is not the keyset's", ErrKeyFile, k.ID)
		}
	}
	return &Signer{orgID: kf.OrgID, handle: h, chain: kf.Chain}, nil
}
