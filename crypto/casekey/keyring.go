package casekey

import (
	"errors"
	"fmt"
	"slices"

	"filippo.io/age"
)

// ErrConflict is returned by OpenKeyring when two wraps that open for the
// holder give two different keys for the same role and generation: someone
// has forged one of them.
var ErrConflict = errors.New("casekey: two different keys for the same role and generation")

// Keyring is what one device holds of one case: every generation of both roles
// that its identities can unwrap. A Keyring does not change after it is made;
// after a rotation, open a new one from the case's wraps.
type Keyring struct {
	caseID string
	// keys[role] is sorted by generation, at most one key per generation.
	keys map[Role][]*Key
}

// OpenKeyring unwraps, with ids, every wrap of the case that is addressed to
// them. Wraps that none of ids opens (other readers' wraps) are skipped. It
// fails if any wrap is not a valid age file (ErrDamaged), if a wrap that opens
// is malformed or bound to another case, role or generation (ErrMalformed,
// ErrBinding), if two wraps give different keys for the same role and
// generation (ErrConflict), and with ErrNotReader if no wrap opens at all.
func OpenKeyring(caseID string, wraps []Wrap, ids ...age.Identity) (*Keyring, error) {
	if !validCaseID(caseID) {
		return nil, ErrCaseID
	}
	kr := &Keyring{caseID: caseID, keys: map[Role][]*Key{}}
	for i, w := range wraps {
		k, err := Unwrap(w, caseID, ids...)
		if errors.Is(err, ErrNotReader) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("wrap %d: %w", i, err)
		}
		if err := kr.add(k); err != nil {
			return nil, fmt.Errorf("wrap %d: %w", i, err)
		}
	}
	if len(kr.keys) == 0 {
		return nil, ErrNotReader
	}
	return kr, nil
}

// newKeyring returns a keyring holding k only.
func newKeyring(caseID string, k *Key) *Keyring {
	return &Keyring{caseID: caseID, keys: map[Role][]*Key{k.Role: {k}}}
}

// add inserts k, keeping generations sorted; the same key twice is kept once.
func (kr *Keyring) add(k *Key) error {
	list := kr.keys[k.Role]
	i, found := slices.BinarySearchFunc(list, k.Generation, func(x *Key, g uint32) int {
		return cmpUint32(x.Generation, g)
	})
	if found {
		if list[i].id.String() != k.id.String() {
			return ErrConflict
		}
		return nil
	}
	kr.keys[k.Role] = slices.Insert(list, i, k)
	return nil
}

func cmpUint32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// CaseID returns the case id the keyring's wraps are bound to.
func (kr *Keyring) CaseID() string { return kr.caseID }

// Current returns the newest generation of role held, or nil if none. New
// content for that role is encrypted to its Recipient.
func (kr *Keyring) Current(role Role) *Key {
	list := kr.keys[role]
	if len(list) == 0 {
		return nil
	}
	return copyKey(list[len(list)-1])
}

// ForGeneration returns generation g of role, or nil if the holder does not
// have it.
func (kr *Keyring) ForGeneration(role Role, g uint32) *Key {
	list := kr.keys[role]
	i, found := slices.BinarySearchFunc(list, g, func(x *Key, g uint32) int {
		return cmpUint32(x.Generation, g)
	})
	if !found {
		return nil
	}
	return copyKey(list[i])
}

// Identities returns every key held as an age identity, newest generation
// first, so that age.Decrypt opens content of any generation and role the
// holder can read.
func (kr *Keyring) Identities() []age.Identity {
	var out []age.Identity
	for _, role := range []Role{RoleCase, RoleStaff} {
		list := kr.keys[role]
		for i := len(list) - 1; i >= 0; i-- {
			out = append(out, list[i].id)
		}
	}
	return out
}

func copyKey(k *Key) *Key {
	c := *k
	return &c
}
