package client

import (
	"context"
	"errors"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/envelope"
)

// Handover gives another referent of the directory every trusted
// generation of the case key and of the staff key, wrapped to the
// recipient the directory lists for them. Nothing is re-encrypted. Key
// generations no referent announced (possibly forged wraps) are not passed
// on.
func (rcase *ReferentCase) Handover(ctx context.Context, newReferentID string) error {
	if err := rcase.load(ctx); err != nil {
		return err
	}
	if _, err := rcase.Notes(ctx); err != nil {
		return err
	}
	d := rcase.rs.d
	ref := d.Referent(newReferentID)
	if ref == nil {
		return errors.New("lanterne client: the new referent is not in the directory")
	}
	r, err := agekey.ParseRecipient(ref.AgeRecipient, d.CaseKeyKind == agekey.X25519)
	if err != nil {
		return err
	}
	rcase.mu.Lock()
	var keys []*casekey.Key
	for _, t := range []trust{rcase.trusted, rcase.staff} {
		for _, k := range t {
			keys = append(keys, k)
		}
	}
	rcase.mu.Unlock()
	var wraps []casekey.Wrap
	for _, k := range keys {
		w, err := k.WrapFor(rcase.id, newReferentID, r)
		if err != nil {
			return err
		}
		wraps = append(wraps, w)
	}
	return rcase.postWraps(ctx, wraps)
}

// Remove takes a referent off the case: a new generation of the case key
// (and of the staff key, if the case has one) is made and wrapped to the
// remaining readers (see readers; the reporter or victim for the case key),
// and announced by a signed message of kind key_rotation (case key) and a
// signed note whose body is "key-rotation:<generation>:<recipient>" (staff
// key; notes have no key_rotation field).
// The removed referent keeps what they could already read.
func (rcase *ReferentCase) Remove(ctx context.Context, referentID string) error {
	if referentID == rcase.rs.key.ID {
		return errors.New("lanterne client: a referent cannot remove themself; ask another referent of the case")
	}
	if err := rcase.load(ctx); err != nil {
		return err
	}
	if _, err := rcase.Notes(ctx); err != nil {
		return err
	}
	referents, err := rcase.readers(referentID)
	if err != nil {
		return err
	}
	rcase.mu.Lock()
	kr, st := rcase.kr, rcase.file.Case
	hasStaff := rcase.kr.Current(casekey.RoleStaff) != nil
	rcase.mu.Unlock()

	party, allowClassic := casekey.Reporter, rcase.rs.d.CaseKeyKind == agekey.X25519
	if st.Linked != "" && !st.Witness {
		party = casekey.Victim
	}
	// The reporter's recipient comes from the server's metadata: see the
	// package documentation on what this trusts.
	pr, err := agekey.ParseRecipient(st.ReporterRecipient, allowClassic)
	if err != nil {
		return err
	}
	caseReaders := map[string]age.Recipient{party: pr}
	for id, r := range referents {
		caseReaders[id] = r
	}
	caseKey, wraps, err := casekey.Rotate(kr, rcase.id, caseReaders, casekey.RoleCase)
	if err != nil {
		return err
	}
	var staffKey *casekey.Key
	if hasStaff {
		var sw []casekey.Wrap
		if staffKey, sw, err = casekey.Rotate(kr, rcase.id, referents, casekey.RoleStaff); err != nil {
			return err
		}
		wraps = append(wraps, sw...)
	}
	if err := rcase.postWraps(ctx, wraps); err != nil {
		return err
	}
	if _, err := rcase.sendTo(ctx, caseKey, envelope.Message{Kind: envelope.MessageKeyRotation,
		KeyRotation: &envelope.KeyRotation{Generation: caseKey.Generation, Recipient: caseKey.Recipient().String()}}); err != nil {
		return err
	}
	if staffKey != nil {
		if _, err := rcase.postNote(ctx, staffKey, envelope.NoteNote, staffRotationBody(staffKey)); err != nil {
			return err
		}
	}
	return rcase.load(ctx)
}
