package envelope

import (
	"bytes"
	"errors"
	"testing"

	"github.com/lanterne/lanterne/crypto/agekey"
)

func testNote() *Note {
	return &Note{
		ID:        "ffeeddccbbaa99887766554433221100",
		CaseID:    testCaseID,
		Author:    "ref-1",
		Kind:      NoteOrientation,
		Body:      "Orientée vers la médecine de prévention.",
		CreatedAt: testTime,
	}
}

func TestNoteRoundTrip(t *testing.T) {
	staffKey, caseKey := key(t, agekey.Hybrid, 4), key(t, agekey.Hybrid, 1)
	refKey, refPub := signer(1)
	_, otherPub := signer(2)
	ct, err := SealNote(testNote(), refKey, staffKey.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenNote(ct, caseKey); !errors.Is(err, ErrNoIdentity) {
		t.Errorf("the case key (which the reporter holds) opened a note: %v", err)
	}
	o, err := OpenNote(ct, staffKey)
	if err != nil {
		t.Fatal(err)
	}
	if o.Note != *testNote() {
		t.Errorf("got %+v", o.Note)
	}
	if err := o.VerifyReferent(refPub, testCaseID); err != nil {
		t.Errorf("VerifyReferent: %v", err)
	}
	if err := o.VerifyReferent(otherPub, testCaseID); !errors.Is(err, ErrBadSignature) {
		t.Errorf("another key: %v", err)
	}
	if err := o.VerifyReferent(refPub, "00000000000000000000000000000000"); !errors.Is(err, ErrWrongCase) {
		t.Errorf("another case: %v", err)
	}
	if _, err := OpenMessage(ct, staffKey); !errors.Is(err, ErrWrongKind) {
		t.Errorf("note opened as a message: %v", err)
	}
}

func TestNoteRefusals(t *testing.T) {
	refKey, refPub := signer(1)
	if _, err := SealNote(testNote(), nil, key(t, agekey.X25519, 1).Recipient()); !errors.Is(err, ErrUnsigned) {
		t.Errorf("unsigned note sealed: %v", err)
	}
	payload, _ := encodeNotePayload(testNote(), refKey)
	sigAt := bytes.Index(payload, []byte(`,"signature"`))
	if _, err := decodeNotePayload(append(bytes.Clone(payload[:sigAt]), '}')); !errors.Is(err, ErrUnsigned) {
		t.Errorf("unsigned note opened: %v", err)
	}
	// A referent's signed message is not a note, even re-labelled.
	msg, _ := encodeMessagePayload(testMessage("ref-1", MessageText), refKey)
	if _, err := decodeNotePayload(msg); !errors.Is(err, ErrMalformed) {
		t.Errorf("message payload decoded as a note: %v", err)
	}
	for name, change := range map[string]func(*Note){
		"reporter author": func(n *Note) { n.Author = AuthorReporter },
		"unknown kind":    func(n *Note) { n.Kind = "verdict" },
		"empty body":      func(n *Note) { n.Body = "" },
		"bad id":          func(n *Note) { n.ID = "1" },
	} {
		n := testNote()
		change(n)
		if err := n.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	o, _ := decodeNotePayload(payload)
	if err := o.VerifyReferent(refPub, testCaseID); err != nil {
		t.Error(err)
	}
}
