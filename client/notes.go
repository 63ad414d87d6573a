package client

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/server/api"
)

// Note is one staff note as a referent's device decrypted and checked it.
// As with Message, show it as written by its author only when Verified.
type Note struct {
	Seq  uint64
	Time time.Time
	envelope.Note
	Verified bool
	Err      error
	// KeyRotation is set on a verified note announcing a generation of the
	// staff key (body "key-rotation:<generation>:<recipient>", see doc.go);
	// such notes are not working notes.
	KeyRotation *KeyRotation
}

// staffRotationPrefix starts the body of a staff-key announcement note:
// "key-rotation:<generation>:<recipient>". Notes have no key_rotation
// field, so the staff key is announced in the body of a signed note sealed
// to the announced generation. Case-key rotations use the key_rotation
// message kind instead.
const staffRotationPrefix = "key-rotation:"

func staffRotationBody(k *casekey.Key) string {
	return staffRotationPrefix + strconv.FormatUint(uint64(k.Generation), 10) + ":" + k.Recipient().String()
}

// parseRotation parses a staff-key announcement note body.
func parseRotation(body string) (uint32, string, bool) {
	rest, ok := strings.CutPrefix(body, staffRotationPrefix)
	if !ok {
		return 0, "", false
	}
	gs, rcpt, ok := strings.Cut(rest, ":")
	if !ok {
		return 0, "", false
	}
	g, err := strconv.ParseUint(gs, 10, 32)
	if err != nil || g < 1 || rcpt == "" {
		return 0, "", false
	}
	return uint32(g), rcpt, true
}

// ErrStaffKeyUntrusted is returned by AddNote when the case has a staff key
// that no verified note announces.
var ErrStaffKeyUntrusted = errors.New("lanterne client: the case's staff key was not announced by a referent; not writing to it")

// readNotes decrypts and checks staff notes, and returns the staff key
// generations they announce.
func readNotes(entries []api.Entry, kr *casekey.Keyring, d *directory.Directory, caseID string) ([]Note, trust) {
	t := trust{}
	ids := kr.Identities()
	out := make([]Note, 0, len(entries))
	seen := map[string]bool{}
	for _, e := range entries {
		n := Note{Seq: e.Seq, Time: e.Time}
		on, err := envelope.OpenNote(e.Ciphertext, ids...)
		if err != nil {
			n.Author, n.Err = e.Author, err
			out = append(out, n)
			continue
		}
		if seen[on.Note.ID] {
			continue
		}
		seen[on.Note.ID] = true
		n.Note = on.Note
		switch ref := d.Referent(on.Note.Author); {
		case on.Note.Author != e.Author:
			n.Err = ErrAuthorLabel
		case ref == nil:
			n.Err = ErrUnknownAuthor
		default:
			n.Err = on.VerifyReferent(ref.VerifyKey, caseID)
		}
		n.Verified = n.Err == nil
		if n.Verified {
			if g, rcpt, ok := parseRotation(n.Body); ok {
				n.KeyRotation = &KeyRotation{Generation: g, Recipient: rcpt, Held: t.announce(kr, casekey.RoleStaff, g, rcpt)}
			}
		}
		out = append(out, n)
	}
	return out, t
}

// Notes fetches, decrypts and checks the case's staff notes (referents
// only; the reporter never holds the staff key).
func (rcase *ReferentCase) Notes(ctx context.Context) ([]Note, error) {
	entries, err := rcase.rs.s.fetchEntries(ctx, rcase.base+"/notes")
	if err != nil {
		return nil, err
	}
	rcase.mu.Lock()
	defer rcase.mu.Unlock()
	notes, t := readNotes(entries, rcase.kr, rcase.rs.d, rcase.id)
	rcase.staff = t
	return notes, nil
}

// AddNote writes a signed staff note (kind note, orientation or
// action_plan) and returns its sequence number. The first note of a case
// creates the staff key: generation 1, wrapped to the case's referents
// (see readers), announced by a signed note.
func (rcase *ReferentCase) AddNote(ctx context.Context, kind envelope.NoteKind, body string) (uint64, error) {
	if _, err := rcase.Notes(ctx); err != nil {
		return 0, err
	}
	rcase.mu.Lock()
	key, held := rcase.staff.current(), rcase.kr.Current(casekey.RoleStaff) != nil
	rcase.mu.Unlock()
	if key == nil && held {
		return 0, ErrStaffKeyUntrusted
	}
	if key == nil {
		var err error
		if key, err = rcase.createStaffKey(ctx); err != nil {
			return 0, err
		}
	}
	return rcase.postNote(ctx, key, kind, body)
}

func (rcase *ReferentCase) postNote(ctx context.Context, key *casekey.Key, kind envelope.NoteKind, body string) (uint64, error) {
	n := envelope.Note{ID: envelope.NewID(), CaseID: rcase.id, Author: rcase.rs.key.ID, Kind: kind, Body: body,
		CreatedAt: rcase.rs.c.now().UTC().Truncate(time.Second)}
	ct, err := envelope.SealNote(&n, rcase.rs.key.Signing, key.Recipient())
	if err != nil {
		return 0, err
	}
	if len(ct) > api.MaxNoteCiphertext {
		return 0, errors.New("lanterne client: note too large")
	}
	return rcase.rs.s.post(ctx, rcase.base+"/notes", ct)
}

// createStaffKey makes staff generation 1, posts its wraps and announces it.
func (rcase *ReferentCase) createStaffKey(ctx context.Context) (*casekey.Key, error) {
	readers, err := rcase.readers("")
	if err != nil {
		return nil, err
	}
	rcase.mu.Lock()
	kr := rcase.kr
	rcase.mu.Unlock()
	key, wraps, err := casekey.Rotate(kr, rcase.id, readers, casekey.RoleStaff)
	if err != nil {
		return nil, err
	}
	if err := rcase.postWraps(ctx, wraps); err != nil {
		return nil, err
	}
	if _, err := rcase.postNote(ctx, key, envelope.NoteNote, staffRotationBody(key)); err != nil {
		return nil, err
	}
	if err := rcase.load(ctx); err != nil {
		return nil, err
	}
	if _, err := rcase.Notes(ctx); err != nil {
		return nil, err
	}
	return key, nil
}

func (rcase *ReferentCase) postWraps(ctx context.Context, wraps []casekey.Wrap) error {
	return rcase.rs.s.do(ctx, request{method: http.MethodPost, path: rcase.base + "/wraps", in: api.AddWraps{Wraps: toAPIWraps(wraps)}})
}

// readers returns the referents of the case, except without, with their
// recipients from the directory: the referents of the case's current route
// minus those the report excludes, and this referent. (The server does not
// list who holds wraps; a referent given the case by Handover outside its
// route is not included.)
func (rcase *ReferentCase) readers(without string) (map[string]age.Recipient, error) {
	d := rcase.rs.d
	rcase.mu.Lock()
	route := directory.RouteID(rcase.file.Case.Route)
	excluded := map[string]bool{}
	for _, id := range rcase.report.Conflict.ExcludedReferents {
		excluded[id] = true
	}
	rcase.mu.Unlock()
	out := map[string]age.Recipient{}
	allowClassic := d.CaseKeyKind == agekey.X25519
	for i := range d.Referents {
		ref := &d.Referents[i]
		if ref.ID == without || (ref.ID != rcase.rs.key.ID && (excluded[ref.ID] || !ref.Serves(route))) {
			continue
		}
		r, err := agekey.ParseRecipient(ref.AgeRecipient, allowClassic)
		if err != nil {
			return nil, err
		}
		out[ref.ID] = r
	}
	if len(out) == 0 {
		return nil, casekey.ErrNoReaders
	}
	return out, nil
}
