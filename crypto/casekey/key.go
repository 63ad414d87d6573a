package casekey

import (
	"errors"
	"fmt"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// Role says who may read with a key.
type Role string

const (
	// RoleCase is the case key: referents and the reporter (or the victim,
	// in a victim thread) read what is encrypted to it.
	RoleCase Role = "case"
	// RoleStaff is the staff key: referents only, for notes, orientation
	// and action plans. It is never wrapped to the reporter or the victim.
	RoleStaff Role = "staff"
)

// Readers that are not referents. Any other reader name is a referent id.
const (
	Reporter = "reporter"
	Victim   = "victim"
)

// ErrRole is returned for a Role other than RoleCase and RoleStaff.
var ErrRole = errors.New("casekey: unknown key role")

func (r Role) valid() bool { return r == RoleCase || r == RoleStaff }

// isReporter reports whether a reader name is the reporter or the victim,
// who never hold the staff key.
func isReporter(reader string) bool { return reader == Reporter || reader == Victim }

// Key is one generation of one role of a case's keys: an age identity that
// content is encrypted to.
//
// Generation and Role are what the key was made or unwrapped with; they are
// bound into every wrap made from it. A Key handed out by a Keyring is a copy,
// so changing its fields never changes the keyring.
type Key struct {
	Generation uint32
	Role       Role
	id         *agekey.Identity
}

// New makes a fresh random key. kind is the directory's CaseKeyKind (empty
// means agekey.Hybrid); generation starts at 1.
func New(role Role, kind agekey.Kind, generation uint32) (*Key, error) {
	if !role.valid() {
		return nil, ErrRole
	}
	if generation == 0 {
		return nil, errors.New("casekey: generations start at 1")
	}
	if kind == "" {
		kind = agekey.Hybrid
	}
	id, err := agekey.Generate(kind)
	if err != nil {
		return nil, fmt.Errorf("casekey: %w", err)
	}
	return &Key{Generation: generation, Role: role, id: id}, nil
}

// Recipient returns the public key that content is encrypted to.
func (k *Key) Recipient() *agekey.Recipient { return k.id.Recipient() }

// Identity returns the private key, for age.Decrypt.
func (k *Key) Identity() *agekey.Identity { return k.id }
