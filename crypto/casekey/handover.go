package casekey

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
)

// Rewrap gives a new reader everything the keyring holds: every generation of
// the case key and, when the reader is a referent, of the staff key, each
// wrapped to r. Nothing is re-encrypted: the new reader opens old content
// with the old generations. The staff key is never wrapped to Reporter or
// Victim; Rewrap leaves it out for them.
func Rewrap(kr *Keyring, caseID, reader string, r age.Recipient) ([]Wrap, error) {
	if caseID != kr.caseID {
		return nil, fmt.Errorf("%w: the keyring belongs to another case", ErrBinding)
	}
	roles := []Role{RoleCase, RoleStaff}
	if isReporter(reader) {
		roles = roles[:1]
	}
	var out []Wrap
	for _, role := range roles {
		for _, k := range kr.keys[role] {
			w, err := k.WrapFor(caseID, reader, r)
			if err != nil {
				return nil, err
			}
			out = append(out, w)
		}
	}
	if len(out) == 0 {
		return nil, errors.New("casekey: the keyring holds nothing to give this reader")
	}
	return out, nil
}

// Rotate makes the next generation of role, of the same kind as the current
// one, and wraps it to readers (reader name → recipient), in the order of the
// reader names. A removed referent is simply absent from readers: they keep
// the generations they had, and cannot open content sealed to the new one.
//
// When the keyring holds no staff key, Rotate(…, RoleStaff) makes staff
// generation 1, of the case key's kind: this is how the first referent who
// needs it creates the staff key.
//
// The next generation is one more than the newest the keyring holds, so open
// the keyring from all the case's wraps first: a device that lacks the newest
// generation (or a staff key another referent made) would make a generation
// that already exists, and readers holding both would get ErrConflict.
//
// Rules: readers is not empty; a case-key rotation includes Reporter or
// Victim (who would otherwise lose the case); a staff-key rotation includes
// neither. The keyring is not changed: the caller uses the returned key at
// once and reopens the keyring from the case's wraps later.
func Rotate(kr *Keyring, caseID string, readers map[string]age.Recipient, role Role) (*Key, []Wrap, error) {
	if caseID != kr.caseID {
		return nil, nil, fmt.Errorf("%w: the keyring belongs to another case", ErrBinding)
	}
	if !role.valid() {
		return nil, nil, ErrRole
	}
	if len(readers) == 0 {
		return nil, nil, errors.New("casekey: rotation to nobody")
	}
	hasReporter := false
	for name := range readers {
		if isReporter(name) {
			hasReporter = true
		}
	}
	switch {
	case role == RoleStaff && hasReporter:
		return nil, nil, ErrStaffToReporter
	case role == RoleCase && !hasReporter:
		return nil, nil, errors.New("casekey: a case-key rotation must keep the reporter (or the victim) as a reader")
	}

	var generation uint32 = 1
	var kind agekey.Kind
	switch cur, ck := kr.Current(role), kr.Current(RoleCase); {
	case cur != nil:
		if cur.Generation == math.MaxUint32 {
			return nil, nil, errors.New("casekey: no generation left")
		}
		generation, kind = cur.Generation+1, cur.id.Kind()
	case ck != nil:
		kind = ck.id.Kind()
	default:
		return nil, nil, errors.New("casekey: the keyring holds no case key")
	}
	k, err := New(role, kind, generation)
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(readers))
	for name := range readers {
		names = append(names, name)
	}
	slices.Sort(names)
	wraps := make([]Wrap, 0, len(names))
	for _, name := range names {
		w, err := k.WrapFor(caseID, name, readers[name])
		if err != nil {
			return nil, nil, err
		}
		wraps = append(wraps, w)
	}
	return k, wraps, nil
}
