package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/server/notify"
	"github.com/lanterne/lanterne/server/workflow"
	"github.com/lanterne/lanterne/store"
)

// submit is POST /api/v1/orgs/{org}/cases: a new case, or a presumed
// victim's thread when NewCase.Invitation is set. Everything is checked
// before anything is stored, then stored in one transaction.
func (s *Server) submit(w http.ResponseWriter, r *http.Request) error {
	o, err := s.org(r)
	if err != nil {
		return err
	}
	if o.dir == nil {
		return errNoDir
	}
	var nc api.NewCase
	if err := decode(w, r, api.MaxNewCaseBody, &nc); err != nil {
		return err
	}
	if o.expired(s.now()) {
		return errorf(http.StatusConflict, "the organisation's directory has expired; it must publish a new one")
	}
	today := s.today().String()
	c, err := s.checkNewCase(o.dir, &nc, today)
	if err != nil {
		return err
	}
	if nc.Invitation != nil {
		inv, key, err := s.checkInvitationSecret(r, o.id, nc.Invitation.LookupID, nc.Invitation.AuthSecret)
		if err != nil {
			return err
		}
		if inv.Redeemed {
			return errorf(http.StatusConflict, "the invitation was already answered")
		}
		s.auth.succeeded(key)
		c.Redeems = inv.ID
	}
	m, err := s.store.CreateCase(r.Context(), o.id, *c)
	switch {
	case errors.Is(err, store.ErrExists):
		return errorf(http.StatusConflict, "a case with this lookup id already exists")
	case errors.Is(err, store.ErrConflict):
		return errorf(http.StatusConflict, "the invitation was already answered")
	case errors.Is(err, store.ErrNotFound):
		return errBadInvite // the invitation went away meanwhile
	case err != nil:
		return err
	}
	s.notify(o.id, notify.NewCase)
	st, err := s.caseStatus(r.Context(), o.id, &m, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, api.Submitted{Case: st})
	return nil
}

// checkNewCase validates a submission against the directory and turns it
// into what the store keeps.
func (s *Server) checkNewCase(d *directory.Directory, nc *api.NewCase, today string) (*store.NewCase, error) {
	bad := func(status int, format string, a ...any) (*store.NewCase, error) {
		return nil, errorf(status, format, a...)
	}
	if !validLookupID(nc.LookupID) {
		return bad(http.StatusBadRequest, "lookup_id must be 32 lowercase hex characters")
	}
	if len(nc.AuthHash) != 32 {
		return bad(http.StatusBadRequest, "auth_hash must be 32 bytes")
	}
	if len(nc.ReporterRecipient) > 4096 {
		return bad(http.StatusRequestEntityTooLarge, "reporter_recipient is too long")
	}
	rcpt, err := agekey.ParseRecipient(nc.ReporterRecipient, d.CaseKeyKind == agekey.X25519)
	if err != nil || rcpt.String() != nc.ReporterRecipient {
		return bad(http.StatusUnprocessableEntity, "reporter_recipient is not an age recipient of the kind the directory asks for")
	}
	channel := directory.RouteID(nc.Channel)
	if channel != directory.RouteAVDHAS && channel != directory.RouteWhistleblowing {
		return bad(http.StatusUnprocessableEntity, "channel must be avdhas or whistleblowing")
	}
	route := directory.RouteID(nc.Route)
	if !offers(d, channel) || !offers(d, route) {
		return bad(http.StatusUnprocessableEntity, "the directory does not offer this channel or route")
	}
	if route != channel && route != directory.RouteConflict {
		return bad(http.StatusUnprocessableEntity, "route must be the channel's or the conflict route")
	}
	redeem := nc.Invitation != nil
	if redeem {
		if nc.Witness {
			return bad(http.StatusUnprocessableEntity, "a presumed victim's thread is not a witness case")
		}
		if channel != directory.RouteAVDHAS {
			return bad(http.StatusUnprocessableEntity, "a presumed victim's thread is on the avdhas channel")
		}
		if !validLookupID(nc.Invitation.LookupID) || nc.Invitation.LookupID == nc.LookupID {
			return bad(http.StatusBadRequest, "invitation.lookup_id must be 32 lowercase hex characters")
		}
		if len(nc.Invitation.AuthSecret) != casecode.AuthSecretSize {
			return bad(http.StatusBadRequest, "invitation.auth_secret must be %d bytes", casecode.AuthSecretSize)
		}
	}
	if err := checkCiphertext("report", nc.Report, api.MaxReportCiphertext); err != nil {
		return nil, err
	}
	if err := optionalCiphertext("identity", nc.Identity, api.MaxIdentityCiphertext); err != nil {
		return nil, err
	}
	if err := optionalCiphertext("identity_release", nc.IdentityRelease, api.MaxReleaseCiphertext); err != nil {
		return nil, err
	}
	if nc.IdentityRelease != nil && nc.Identity == nil {
		return bad(http.StatusUnprocessableEntity, "identity_release without identity")
	}

	party := partyReporter
	if redeem {
		party = partyVictim
	}
	if len(nc.Wraps) > api.MaxWraps {
		return bad(http.StatusRequestEntityTooLarge, "at most %d wraps", api.MaxWraps)
	}
	var wraps []store.Wrap
	seen := map[string]bool{}
	referents := 0
	for i, wr := range nc.Wraps {
		field := fmt.Sprintf("wraps[%d]", i)
		if wr.Role != string(store.RoleCase) || wr.Generation != 1 {
			return bad(http.StatusUnprocessableEntity, "%s: a new case has only role \"case\" generation 1 wraps", field)
		}
		if seen[wr.Reader] {
			return bad(http.StatusUnprocessableEntity, "%s: reader listed twice", field)
		}
		seen[wr.Reader] = true
		switch {
		case wr.Reader == party:
		case wr.Reader == partyReporter || wr.Reader == partyVictim:
			return bad(http.StatusUnprocessableEntity, "%s: this case's own reader is %q", field, party)
		default:
			ref := d.Referent(wr.Reader)
			if ref == nil {
				return bad(http.StatusUnprocessableEntity, "%s: the directory lists no such referent", field)
			}
			if !ref.Serves(route) {
				return bad(http.StatusUnprocessableEntity, "%s: the referent does not serve route %s", field, route)
			}
			referents++
		}
		if err := checkCiphertext(field+".ciphertext", wr.Ciphertext, api.MaxWrapCiphertext); err != nil {
			return nil, err
		}
		wraps = append(wraps, store.Wrap{Reader: wr.Reader, Role: store.RoleCase, Generation: 1, Ciphertext: wr.Ciphertext})
	}
	if !seen[party] {
		return bad(http.StatusUnprocessableEntity, "wraps: exactly one wrap must be for %q", party)
	}
	if referents == 0 {
		return bad(http.StatusUnprocessableEntity, "wraps: at least one referent must hold the case key")
	}

	if len(nc.Files) > api.MaxFilesPerCase {
		return bad(http.StatusUnprocessableEntity, "at most %d files per case", api.MaxFilesPerCase)
	}
	var files []store.FileHeader
	fileSeen := map[string]bool{}
	for i, f := range nc.Files {
		if err := checkFileDecl(fmt.Sprintf("files[%d]", i), f); err != nil {
			return nil, err
		}
		if fileSeen[f.FileID] {
			return bad(http.StatusUnprocessableEntity, "files[%d]: file declared twice", i)
		}
		fileSeen[f.FileID] = true
		files = append(files, store.FileHeader{FileID: f.FileID, MaxSize: uint64(f.MaxCiphertextSize), BeganDay: today})
	}

	m := store.CaseMeta{
		LookupID:          nc.LookupID,
		Route:             nc.Route,
		Channel:           nc.Channel,
		Status:            string(workflow.Received),
		CreatedDay:        today,
		AuthHash:          store.Hash(nc.AuthHash),
		ReporterRecipient: nc.ReporterRecipient,
		Flags: store.Flags{
			Witness:                nc.Witness,
			WitnessAwaitingConsent: nc.Witness,
			VictimThread:           redeem,
			MeetingRequested:       nc.MeetingRequested,
		},
		StatusHistory: []store.StatusChange{{Status: string(workflow.Received), Day: today}},
		Generations:   store.Generations{Case: 1},
	}
	switch {
	case nc.IdentityRelease != nil:
		m.Flags.Identity = store.IdentityReleased
	case nc.Identity != nil:
		m.Flags.Identity = store.IdentitySealed
	}
	s.setDeadlines(&m)
	blobs := map[store.BlobKind][]byte{store.BlobReport: nc.Report}
	if nc.Identity != nil {
		blobs[store.BlobIdentity] = nc.Identity
	}
	if nc.IdentityRelease != nil {
		blobs[store.BlobRelease] = nc.IdentityRelease
	}
	return &store.NewCase{Meta: m, Blobs: blobs, Wraps: wraps, Files: files}, nil
}

// checkFileDecl validates a declared evidence file.
func checkFileDecl(field string, f api.FileDecl) error {
	if !validFileID(f.FileID) {
		return errorf(http.StatusBadRequest, "%s.file_id must be 32 lowercase hex characters", field)
	}
	if f.MaxCiphertextSize <= 0 {
		return errorf(http.StatusUnprocessableEntity, "%s.max_ciphertext_size must be positive", field)
	}
	if f.MaxCiphertextSize > api.MaxFileCiphertext {
		return errorf(http.StatusRequestEntityTooLarge, "%s: a file is at most %d bytes", field, int64(api.MaxFileCiphertext))
	}
	return nil
}

func offers(d *directory.Directory, route directory.RouteID) bool {
	for _, r := range d.Routes {
		if r.ID == route {
			return true
		}
	}
	return false
}
