package envelope

import (
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"time"

	"filippo.io/age"
)

// NoteKind says what a staff note is.
type NoteKind string

const (
	NoteNote        NoteKind = "note"        // a working note
	NoteOrientation NoteKind = "orientation" // where the victim or witness was oriented
	NoteActionPlan  NoteKind = "action_plan" // the measures decided
)

// MaxNoteBodySize is the largest note body, in bytes.
const MaxNoteBodySize = 128 << 10

// Note is a staff-only record of a case, sealed to the staff key (never to
// the reporter) and always signed by its referent author. JSON in this field
// order.
type Note struct {
	ID        string    `json:"id"`      // 32 lower-case hex digits (NewID)
	CaseID    string    `json:"case_id"` // the case's lookup id, 32 lower-case hex digits
	Author    string    `json:"author"`  // a referent id
	Kind      NoteKind  `json:"kind"`
	Body      string    `json:"body"` // required
	CreatedAt time.Time `json:"created_at"`
}

// Validate checks the note's fields. Errors wrap ErrInvalid.
func (n *Note) Validate() error {
	switch {
	case !validHex(n.ID, IDSize):
		return invalid("id must be 32 lower-case hex digits")
	case !validHex(n.CaseID, IDSize):
		return invalid("case_id must be 32 lower-case hex digits")
	case !validReferentID(n.Author):
		return invalid("author must be a referent id")
	case n.Kind != NoteNote && n.Kind != NoteOrientation && n.Kind != NoteActionPlan:
		return invalid("unknown note kind")
	case strings.TrimSpace(n.Body) == "" || !validText(n.Body, MaxNoteBodySize):
		return invalid("body must be 1 to %d bytes of UTF-8", MaxNoteBodySize)
	case n.CreatedAt.IsZero():
		return invalid("created_at is missing")
	}
	return nil
}

// SealNote validates n, signs it with the author's Ed25519 key and seals it
// as a KindNote envelope to the recipients (the staff key). n is not
// modified.
func SealNote(n *Note, signer ed25519.PrivateKey, recipients ...age.Recipient) ([]byte, error) {
	payload, err := encodeNotePayload(n, signer)
	if err != nil {
		return nil, err
	}
	return Seal(KindNote, payload, recipients...)
}

func encodeNotePayload(n *Note, signer ed25519.PrivateKey) ([]byte, error) {
	c := *n
	c.CreatedAt = c.CreatedAt.UTC()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if signer == nil {
		return nil, ErrUnsigned
	}
	raw, err := json.Marshal(&c)
	if err != nil {
		return nil, err
	}
	sig, err := sign(signer, NoteSignatureContext, raw)
	if err != nil {
		return nil, err
	}
	return signedPayload("note", raw, sig), nil
}

// OpenedNote is a note as decrypted, before its signature is checked.
type OpenedNote struct {
	Note Note

	raw, sig []byte
}

// OpenNote opens a KindNote envelope and decodes it strictly; an unsigned
// note is refused. Call VerifyReferent before showing the note.
func OpenNote(ciphertext []byte, identities ...age.Identity) (*OpenedNote, error) {
	payload, err := Open(ciphertext, KindNote, identities...)
	if err != nil {
		return nil, err
	}
	return decodeNotePayload(payload)
}

func decodeNotePayload(payload []byte) (*OpenedNote, error) {
	raw, sig, err := parseSignedPayload(payload, "note")
	if err != nil {
		return nil, err
	}
	var n Note
	if err := decodeStrict(raw, &n); err != nil {
		return nil, err
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if sig == nil {
		return nil, ErrUnsigned
	}
	return &OpenedNote{Note: n, raw: raw, sig: sig}, nil
}

// VerifyReferent checks that the note belongs to the case caseID and is
// signed by pub, the verify key the directory gives for Note.Author.
func (o *OpenedNote) VerifyReferent(pub ed25519.PublicKey, caseID string) error {
	if o.Note.CaseID != caseID {
		return ErrWrongCase
	}
	return verify(pub, NoteSignatureContext, o.raw, o.sig)
}
