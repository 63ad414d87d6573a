package casekey

import (
	"errors"
	"fmt"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
)

// NewCase is what the reporter's device does before sending a report: it
// selects the readers (SelectReaders), makes generation 1 of the case key, of
// the directory's CaseKeyKind (hybrid when empty), and wraps it, bound to
// caseID (the case's lookup id), to each selected referent and to the
// reporter. It returns the reporter's keyring, the wraps (referents in
// directory order, then the reporter's) and the route used.
//
// Referent recipients are parsed from the directory with agekey.ParseRecipient,
// classic X25519 keys being allowed only when the directory's CaseKeyKind is
// x25519: a hybrid case key is never protected by a classic wrap. The same
// rule holds for the reporter's recipient (see WrapFor). Any referent with an
// unusable recipient fails the whole call: a report is never sent to fewer
// readers than selected.
func NewCase(d *directory.Directory, caseID string, channel directory.RouteID, involvesAuthority bool, excluded []string, reporter age.Recipient) (*Keyring, []Wrap, directory.RouteID, error) {
	if !validCaseID(caseID) {
		return nil, nil, "", ErrCaseID
	}
	if reporter == nil {
		return nil, nil, "", errors.New("casekey: no reporter recipient")
	}
	kind := d.CaseKeyKind
	if kind == "" {
		kind = agekey.Hybrid
	}
	if kind != agekey.Hybrid && kind != agekey.X25519 {
		return nil, nil, "", fmt.Errorf("casekey: directory: %w", agekey.ErrUnknownKind)
	}
	readers, route, err := SelectReaders(d, channel, involvesAuthority, excluded)
	if err != nil {
		return nil, nil, "", err
	}
	recipients := make([]*agekey.Recipient, len(readers))
	for i, ref := range readers {
		if isReporter(ref.ID) {
			return nil, nil, "", fmt.Errorf("casekey: referent id %q is reserved", ref.ID)
		}
		r, err := agekey.ParseRecipient(ref.AgeRecipient, kind == agekey.X25519)
		if err != nil {
			return nil, nil, "", fmt.Errorf("casekey: referent %q: %w", ref.ID, err)
		}
		recipients[i] = r
	}
	k, err := New(RoleCase, kind, 1)
	if err != nil {
		return nil, nil, "", err
	}
	wraps := make([]Wrap, 0, len(readers)+1)
	for i, ref := range readers {
		w, err := k.WrapFor(caseID, ref.ID, recipients[i])
		if err != nil {
			return nil, nil, "", fmt.Errorf("casekey: referent %q: %w", ref.ID, err)
		}
		wraps = append(wraps, w)
	}
	w, err := k.WrapFor(caseID, Reporter, reporter)
	if err != nil {
		return nil, nil, "", fmt.Errorf("casekey: reporter: %w", err)
	}
	wraps = append(wraps, w)
	return newKeyring(caseID, k), wraps, route, nil
}
