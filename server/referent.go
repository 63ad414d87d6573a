package server

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/server/workflow"
	"github.com/lanterne/lanterne/store"
)

// referentChallenge is POST /api/v1/orgs/{org}/referent/challenge: a
// random single-use nonce for a referent of the current directory.
func (s *Server) referentChallenge(w http.ResponseWriter, r *http.Request) error {
	o, err := s.org(r)
	if err != nil {
		return err
	}
	if o.dir == nil {
		return errNoDir
	}
	var req api.ChallengeRequest
	if err := decode(w, r, 4<<10, &req); err != nil {
		return err
	}
	if o.dir.Referent(req.ReferentID) == nil || isParty(req.ReferentID) {
		return errorf(http.StatusNotFound, "the organisation's directory lists no such referent")
	}
	now := s.now()
	expires := now.Add(s.cfg.ChallengeTTL)
	nonce, err := s.auth.newChallenge(o.id, req.ReferentID, now, expires)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Challenge{Nonce: nonce, Expires: expires.UTC()})
	return nil
}

func isParty(reader string) bool { return reader == partyReporter || reader == partyVictim }

// referentLogin is POST /api/v1/orgs/{org}/referent/session: the nonce is
// consumed whatever the outcome; the signature must verify with the
// referent's key in the organisation's current directory.
func (s *Server) referentLogin(w http.ResponseWriter, r *http.Request) error {
	o, err := s.org(r)
	if err != nil {
		return err
	}
	var req api.ChallengeResponse
	if err := decode(w, r, 4<<10, &req); err != nil {
		return err
	}
	if len(req.Nonce) != 32 {
		return errorf(http.StatusBadRequest, "nonce must be 32 bytes")
	}
	if len(req.Signature) != ed25519.SignatureSize {
		return errorf(http.StatusBadRequest, "signature must be %d bytes", ed25519.SignatureSize)
	}
	c, ok := s.auth.takeChallenge(req.Nonce)
	switch {
	case !ok:
		return errorf(http.StatusUnauthorized, "unknown or already used challenge: ask for a new one")
	case !s.now().Before(c.expires):
		return errorf(http.StatusUnauthorized, "the challenge expired: ask for a new one")
	case c.org != o.id || c.referent != req.ReferentID:
		return errorf(http.StatusUnauthorized, "the challenge was issued for another referent")
	}
	var ref *directory.Referent
	if o.dir != nil {
		ref = o.dir.Referent(req.ReferentID)
	}
	if ref == nil {
		return errorf(http.StatusUnauthorized, "the organisation's directory no longer lists this referent")
	}
	if !ed25519.Verify(ed25519.PublicKey(ref.VerifyKey), api.LoginMessage(o.id, req.ReferentID, req.Nonce), req.Signature) {
		return errorf(http.StatusUnauthorized, "the signature does not verify with the referent's key in the directory")
	}
	return s.startSession(w, session{kind: referentSession, org: o.id, subject: req.ReferentID})
}

// referent authenticates a referent's request: a referent session of the
// URL's organisation, whose referent the current directory still lists.
func (s *Server) referent(r *http.Request) (*orgState, string, error) {
	sess, err := s.auth.bearer(r, s.now())
	if err != nil {
		return nil, "", err
	}
	if sess.kind != referentSession || sess.org != mux.Vars(r)["org"] {
		return nil, "", errWrongScope
	}
	o, err := s.org(r)
	if err != nil {
		return nil, "", err
	}
	if o.dir == nil || o.dir.Referent(sess.subject) == nil {
		return nil, "", errorf(http.StatusUnauthorized, "the organisation's directory no longer lists this referent")
	}
	return o, sess.subject, nil
}

// refCase is a case as a referent reaches it.
type refCase struct {
	org, id, referent string
	dir               *directory.Directory
	meta              store.CaseMeta
}

// referentCase authenticates a referent's request on the case in its URL:
// the referent must hold a wrap of the case. A case they hold none of is
// answered exactly like a case that does not exist (404).
func (s *Server) referentCase(r *http.Request) (*refCase, error) {
	o, ref, err := s.referent(r)
	if err != nil {
		return nil, err
	}
	id := mux.Vars(r)["id"]
	if !validLookupID(id) {
		return nil, errNoCase
	}
	ok, err := s.store.IsReader(r.Context(), o.id, id, ref)
	if err != nil {
		return nil, storeError(err, errNoCase)
	}
	if !ok {
		return nil, errNoCase
	}
	m, err := s.store.Case(r.Context(), o.id, id)
	if err != nil {
		return nil, storeError(err, errNoCase)
	}
	return &refCase{org: o.id, id: id, referent: ref, dir: o.dir, meta: m}, nil
}

// logAccess records, before any content leaves, that the referent fetched
// what of the case; if it cannot be recorded, nothing is served.
func (s *Server) logAccess(r *http.Request, rc *refCase, what string) error {
	_, err := s.store.LogAccess(r.Context(), rc.org, rc.id, store.Access{Referent: rc.referent, Time: s.now(), What: what})
	return err
}

// inbox is GET /api/v1/orgs/{org}/referent/cases: the cases the referent
// holds a wrap of, 1000 at most per page ("after" = Inbox.Next).
func (s *Server) inbox(w http.ResponseWriter, r *http.Request) error {
	o, ref, err := s.referent(r)
	if err != nil {
		return err
	}
	after := r.URL.Query().Get("after")
	if after != "" && !validLookupID(after) {
		return errorf(http.StatusBadRequest, "query parameter \"after\" must be a lookup id")
	}
	const page = 1000
	ms, err := s.store.ReaderCases(r.Context(), o.id, ref, after, page)
	if err != nil {
		return err
	}
	out := api.Inbox{Cases: []api.CaseStatus{}}
	for i := range ms {
		st, err := s.caseStatus(r.Context(), o.id, &ms[i], true)
		if err != nil {
			return err
		}
		out.Cases = append(out.Cases, st)
	}
	if len(ms) == page {
		out.Next = ms[len(ms)-1].LookupID
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// referentFile is GET /api/v1/orgs/{org}/referent/cases/{id}: the case,
// the referent's own wraps and the envelopes.
func (s *Server) referentFile(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	if err := s.logAccess(r, rc, "case"); err != nil {
		return err
	}
	cf, err := s.caseFile(r.Context(), rc.org, &rc.meta, true, func(w store.Wrap) bool { return w.Reader == rc.referent })
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cf)
	return nil
}

func (s *Server) referentMessages(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	if err := s.logAccess(r, rc, "messages"); err != nil {
		return err
	}
	return s.listEntries(w, r, rc.org, rc.id, store.Messages)
}

func (s *Server) referentPost(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	return s.postEntry(w, r, rc.org, rc.id, store.Messages, rc.referent, api.MaxMessageCiphertext)
}

func (s *Server) referentRead(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	return s.markRead(w, r, rc.org, rc.id, func(m *store.CaseMeta, seq uint64) bool {
		if seq <= m.Read.Referents[rc.referent] {
			return false
		}
		if m.Read.Referents == nil {
			m.Read.Referents = map[string]uint64{}
		}
		m.Read.Referents[rc.referent] = seq
		return true
	})
}

func (s *Server) referentNotes(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	if err := s.logAccess(r, rc, "notes"); err != nil {
		return err
	}
	return s.listEntries(w, r, rc.org, rc.id, store.Notes)
}

func (s *Server) referentPostNote(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	return s.postEntry(w, r, rc.org, rc.id, store.Notes, rc.referent, api.MaxNoteCiphertext)
}

// accessLog is GET /api/v1/orgs/{org}/referent/cases/{id}/access.
func (s *Server) accessLog(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	after, err := queryUint(r, "after", 0, ^uint64(0))
	if err != nil {
		return err
	}
	limit, err := queryUint(r, "limit", api.MaxPage, api.MaxPage)
	if err != nil {
		return err
	}
	as, err := s.store.Accesses(r.Context(), rc.org, rc.id, after, int(limit))
	if err != nil {
		return err
	}
	out := api.AccessLog{Entries: []api.Access{}}
	for _, a := range as {
		out.Entries = append(out.Entries, api.Access{Seq: a.Seq, Referent: a.Referent, Time: a.Time, What: a.What})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// setStatus is POST /api/v1/orgs/{org}/referent/cases/{id}/status.
func (s *Server) setStatus(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	var req api.SetStatus
	if err := decode(w, r, 4<<10, &req); err != nil {
		return err
	}
	if req.Status == "" && !req.MeetingHeld && req.Consent == nil && req.Route == "" {
		return errorf(http.StatusUnprocessableEntity, "nothing to change")
	}
	if req.Status != "" && !workflow.Status(req.Status).Valid() {
		return errorf(http.StatusUnprocessableEntity, "unknown status")
	}
	if req.Route != "" {
		route := directory.RouteID(req.Route)
		if route != directory.RouteAVDHAS && route != directory.RouteWhistleblowing {
			return errorf(http.StatusUnprocessableEntity, "a case is re-routed to avdhas or whistleblowing")
		}
		if !offers(rc.dir, route) {
			return errorf(http.StatusUnprocessableEntity, "the directory does not offer this channel")
		}
	}
	today := s.today().String()
	m, err := s.modify(r.Context(), rc.org, rc.id, func(m *store.CaseMeta) (bool, error) {
		return s.applyStatus(m, &req, today)
	})
	if err != nil {
		return err
	}
	return s.writeStatus(w, r, rc.org, &m, true, http.StatusOK)
}

// applyStatus applies a SetStatus to m and reports whether it changed
// anything. Asking for what is already recorded is not an error, so that a
// retried request is harmless.
func (s *Server) applyStatus(m *store.CaseMeta, req *api.SetStatus, today string) (bool, error) {
	changed := false
	cur := workflow.Status(m.Status)
	if cur == workflow.Closed {
		if (req.Status == "" || req.Status == m.Status) && !req.MeetingHeld && req.Consent == nil && req.Route == "" {
			return false, nil
		}
		return false, errorf(http.StatusConflict, "the case is closed")
	}
	if next := workflow.Status(req.Status); req.Status != "" && next != cur {
		if err := cur.CanMove(next); err != nil {
			return false, errorf(http.StatusConflict, "a case cannot go from %s to %s", cur, next)
		}
		m.Status = string(next)
		m.StatusHistory = append(m.StatusHistory, store.StatusChange{Status: string(next), Day: today})
		switch next {
		case workflow.Acknowledged:
			if m.Days.Acknowledged == "" {
				m.Days.Acknowledged = today
			}
		case workflow.Oriented:
			if m.Days.FeedbackGiven == "" {
				m.Days.FeedbackGiven = today
			}
		case workflow.Closed:
			if m.Days.FeedbackGiven == "" {
				m.Days.FeedbackGiven = today
			}
			m.Days.Closed = today
		}
		changed = true
	}
	if req.MeetingHeld {
		if !m.Flags.MeetingRequested {
			return false, errorf(http.StatusUnprocessableEntity, "no meeting was requested on this case")
		}
		if m.Days.MeetingHeld == "" {
			m.Days.MeetingHeld, changed = today, true
		}
	}
	if req.Consent != nil {
		if !m.Flags.Witness {
			return false, errorf(http.StatusUnprocessableEntity, "consent is recorded on a witness's case only")
		}
		answer := store.ConsentRefused
		if *req.Consent {
			answer = store.ConsentGiven
		}
		switch m.Flags.Consent {
		case store.ConsentNone:
			m.Flags.Consent, m.Flags.WitnessAwaitingConsent, changed = answer, false, true
		case answer:
		default:
			return false, errorf(http.StatusConflict, "another answer was already recorded")
		}
	}
	if req.Route != "" && req.Route != m.Channel {
		m.Channel = req.Route
		if m.Route != string(directory.RouteConflict) {
			m.Route = req.Route
		}
		changed = true
	}
	if changed {
		s.setDeadlines(m)
	}
	return changed, nil
}

// identityRequest is POST /api/v1/orgs/{org}/referent/cases/{id}/identity-request.
// The request's wording travels as a signed message; this records the state.
func (s *Server) identityRequest(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	if r.ContentLength != 0 {
		var empty struct{}
		if err := decode(w, r, 1<<10, &empty); err != nil {
			return err
		}
	}
	m, err := s.modify(r.Context(), rc.org, rc.id, func(m *store.CaseMeta) (bool, error) {
		switch m.Flags.Identity {
		case store.IdentityNone:
			return false, errorf(http.StatusConflict, "the reporter gave no identity")
		case store.IdentityReleased:
			return false, errorf(http.StatusConflict, "the identity is already released")
		case store.IdentityRequested:
			return false, nil
		}
		m.Flags.Identity = store.IdentityRequested
		return true, nil
	})
	if err != nil {
		return err
	}
	return s.writeStatus(w, r, rc.org, &m, true, http.StatusOK)
}

// addWraps is POST /api/v1/orgs/{org}/referent/cases/{id}/wraps: a
// handover (more readers of existing generations) or a rotation (a new
// generation, one above the current one).
func (s *Server) addWraps(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	var req api.AddWraps
	if err := decode(w, r, api.MaxJSONBody, &req); err != nil {
		return err
	}
	if len(req.Wraps) == 0 {
		return errorf(http.StatusUnprocessableEntity, "no wraps")
	}
	if len(req.Wraps) > api.MaxWraps {
		return errorf(http.StatusRequestEntityTooLarge, "at most %d wraps", api.MaxWraps)
	}
	party := partyOf(&rc.meta)
	var wraps []store.Wrap
	seen := map[string]bool{}
	for i, wr := range req.Wraps {
		field := fmt.Sprintf("wraps[%d]", i)
		role := store.Role(wr.Role)
		var current uint32
		switch role {
		case store.RoleCase:
			current = rc.meta.Generations.Case
		case store.RoleStaff:
			current = rc.meta.Generations.Staff
		default:
			return errorf(http.StatusUnprocessableEntity, "%s: role must be \"case\" or \"staff\"", field)
		}
		if wr.Generation == 0 || wr.Generation > current+1 {
			return errorf(http.StatusUnprocessableEntity, "%s: generation must be 1 to %d", field, current+1)
		}
		switch {
		case wr.Reader == party:
			if role == store.RoleStaff {
				return errorf(http.StatusUnprocessableEntity, "%s: the staff key is never wrapped to the reporter's side", field)
			}
		case isParty(wr.Reader):
			return errorf(http.StatusUnprocessableEntity, "%s: this case's own reader is %q", field, party)
		case rc.dir.Referent(wr.Reader) == nil:
			return errorf(http.StatusUnprocessableEntity, "%s: the directory lists no such referent", field)
		}
		k := fmt.Sprint(wr.Generation, "/", role, "/", wr.Reader)
		if seen[k] {
			return errorf(http.StatusUnprocessableEntity, "%s: the same wrap twice", field)
		}
		seen[k] = true
		if err := checkCiphertext(field+".ciphertext", wr.Ciphertext, api.MaxWrapCiphertext); err != nil {
			return err
		}
		wraps = append(wraps, store.Wrap{Reader: wr.Reader, Role: role, Generation: wr.Generation, Ciphertext: wr.Ciphertext})
	}
	err = s.store.AddWraps(r.Context(), rc.org, rc.id, wraps)
	if errors.Is(err, store.ErrExists) {
		return errorf(http.StatusConflict, "a wrap for this reader, role and generation is already stored with other content")
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
