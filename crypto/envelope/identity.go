package envelope

import (
	"encoding/json"
	"strings"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// Identity is who the reporter is, sealed apart from the report to the
// identity key derived from the case code (casecode purpose "case", label
// "identity-key"), so that no referent can read it until the reporter
// releases that key. JSON in this field order.
type Identity struct {
	Name     string `json:"name"`     // required, 1 to 512 bytes
	Contact  string `json:"contact"`  // how to reach the reporter, at most 1024 bytes
	Service  string `json:"service"`  // department or unit, at most 512 bytes
	Position string `json:"position"` // job or grade, at most 512 bytes
	Other    string `json:"other"`    // anything else, at most 4096 bytes
}

// Validate checks the identity's fields. Errors wrap ErrInvalid and never
// quote a value.
func (id *Identity) Validate() error {
	switch {
	case strings.TrimSpace(id.Name) == "" || !validText(id.Name, 512):
		return invalid("name must be 1 to 512 bytes of UTF-8")
	case !validText(id.Contact, 1024):
		return invalid("contact must be at most 1024 bytes of UTF-8")
	case !validText(id.Service, 512):
		return invalid("service must be at most 512 bytes of UTF-8")
	case !validText(id.Position, 512):
		return invalid("position must be at most 512 bytes of UTF-8")
	case !validText(id.Other, 4096):
		return invalid("other must be at most 4096 bytes of UTF-8")
	}
	return nil
}

// SealIdentity validates id and seals it as a KindIdentity envelope to the
// identity key's recipient, and to nothing else.
func SealIdentity(id *Identity, identityKey age.Recipient) ([]byte, error) {
	if err := id.Validate(); err != nil {
		return nil, err
	}
	payload, err := json.Marshal(id)
	if err != nil {
		return nil, err
	}
	return Seal(KindIdentity, payload, identityKey)
}

// OpenIdentity opens a KindIdentity envelope: it needs the identity key,
// which a referent has only once the reporter released it (OpenRelease).
func OpenIdentity(ciphertext []byte, identities ...age.Identity) (*Identity, error) {
	payload, err := Open(ciphertext, KindIdentity, identities...)
	if err != nil {
		return nil, err
	}
	return decodeIdentity(payload)
}

func decodeIdentity(payload []byte) (*Identity, error) {
	var id Identity
	if err := decodeStrict(payload, &id); err != nil {
		return nil, err
	}
	if err := id.Validate(); err != nil {
		return nil, err
	}
	return &id, nil
}

// SealRelease seals the identity key's secret string (AGE-SECRET-KEY-PQ-1…)
// as a KindIdentityRelease envelope to the case key: whoever holds the case
// key can then open the identity envelope. The reporter makes it at
// submission or later, when they consent.
func SealRelease(identityKey *agekey.Identity, caseRecipient age.Recipient) ([]byte, error) {
	if identityKey == nil {
		return nil, invalid("no identity key to release")
	}
	return Seal(KindIdentityRelease, []byte(identityKey.String()), caseRecipient)
}

// OpenRelease opens a KindIdentityRelease envelope with the case key and
// returns the identity key. The payload must be exactly one age secret key
// string in canonical form.
func OpenRelease(ciphertext []byte, caseIdentities ...age.Identity) (*agekey.Identity, error) {
	payload, err := Open(ciphertext, KindIdentityRelease, caseIdentities...)
	if err != nil {
		return nil, err
	}
	return decodeRelease(payload)
}

func decodeRelease(payload []byte) (*agekey.Identity, error) {
	k, err := agekey.ParseIdentity(string(payload))
	if err != nil || k.String() != string(payload) {
		// Never pass on the parse error or the payload: it is key material.
		return nil, invalid("identity release does not hold an age secret key")
	}
	return k, nil
}
