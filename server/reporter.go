package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/server/notify"
	"github.com/lanterne/lanterne/store"
)

// dummyHash is checked against when a case does not exist, so that an
// unknown case costs the same as a wrong secret.
var dummyHash [32]byte

// reporterLogin is POST /api/v1/orgs/{org}/cases/{id}/session. An unknown
// case and a wrong secret get the same answer; failures are counted per
// lookup id, known or not.
func (s *Server) reporterLogin(w http.ResponseWriter, r *http.Request) error {
	o, err := s.org(r)
	if err != nil {
		return err
	}
	id := mux.Vars(r)["id"]
	if !validLookupID(id) {
		return errorf(http.StatusBadRequest, "the lookup id must be 32 lowercase hex characters")
	}
	var req api.SessionRequest
	if err := decode(w, r, 4<<10, &req); err != nil {
		return err
	}
	if len(req.AuthSecret) != casecode.AuthSecretSize {
		return errorf(http.StatusBadRequest, "auth_secret must be %d bytes", casecode.AuthSecretSize)
	}
	key := "case/" + o.id + "/" + id
	now := s.now()
	if err := s.auth.locked(key, now); err != nil {
		return err
	}
	m, err := s.store.Case(r.Context(), o.id, id)
	if errors.Is(err, store.ErrNotFound) {
		casecode.CheckAuth(dummyHash, req.AuthSecret)
		s.auth.failed(key, now)
		return errBadCode
	}
	if err != nil {
		return err
	}
	if !casecode.CheckAuth(m.AuthHash, req.AuthSecret) {
		s.auth.failed(key, now)
		return errBadCode
	}
	s.auth.succeeded(key)
	return s.startSession(w, session{kind: reporterSession, org: o.id, subject: id, party: partyOf(&m)})
}

// startSession answers with a new session token.
func (s *Server) startSession(w http.ResponseWriter, sess session) error {
	now := s.now()
	sess.expires = now.Add(s.cfg.SessionTTL)
	tok, err := s.auth.newSession(sess, now)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, api.Session{Token: tok, Expires: sess.expires.UTC()})
	return nil
}

// reporterCase authenticates a reporter's request on the case in its URL
// and returns the session and the case's meta.
func (s *Server) reporterCase(r *http.Request) (session, store.CaseMeta, error) {
	sess, err := s.auth.bearer(r, s.now())
	if err != nil {
		return session{}, store.CaseMeta{}, err
	}
	v := mux.Vars(r)
	if sess.kind != reporterSession || sess.org != v["org"] || sess.subject != v["id"] {
		return session{}, store.CaseMeta{}, errWrongScope
	}
	m, err := s.store.Case(r.Context(), sess.org, sess.subject)
	if err != nil {
		return session{}, store.CaseMeta{}, storeError(err, errNoCase)
	}
	return sess, m, nil
}

// reporterStatus is GET /api/v1/orgs/{org}/cases/{id}.
func (s *Server) reporterStatus(w http.ResponseWriter, r *http.Request) error {
	sess, m, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	return s.writeStatus(w, r, sess.org, &m, false, http.StatusOK)
}

// reporterFile is GET /api/v1/orgs/{org}/cases/{id}/file: the case key
// wraps of the reporter's side and the envelopes.
func (s *Server) reporterFile(w http.ResponseWriter, r *http.Request) error {
	sess, m, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	cf, err := s.caseFile(r.Context(), sess.org, &m, false, func(w store.Wrap) bool {
		return w.Reader == sess.party && w.Role == store.RoleCase
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, cf)
	return nil
}

// caseFile gathers the case's status, the wraps keep selects and the
// envelopes.
func (s *Server) caseFile(ctx context.Context, org string, m *store.CaseMeta, forReferent bool, keep func(store.Wrap) bool) (api.CaseFile, error) {
	st, err := s.caseStatus(ctx, org, m, forReferent)
	if err != nil {
		return api.CaseFile{}, err
	}
	cf := api.CaseFile{Case: st, Wraps: []api.Wrap{}}
	wraps, err := s.store.Wraps(ctx, org, m.LookupID)
	if err != nil {
		return api.CaseFile{}, err
	}
	for _, wr := range wraps {
		if keep(wr) {
			cf.Wraps = append(cf.Wraps, api.Wrap{Reader: wr.Reader, Role: string(wr.Role), Generation: wr.Generation, Ciphertext: wr.Ciphertext})
		}
	}
	if cf.Report, err = s.store.Blob(ctx, org, m.LookupID, store.BlobReport); err != nil {
		return api.CaseFile{}, err
	}
	if cf.Identity, err = s.optionalBlob(ctx, org, m.LookupID, store.BlobIdentity); err != nil {
		return api.CaseFile{}, err
	}
	if cf.IdentityRelease, err = s.optionalBlob(ctx, org, m.LookupID, store.BlobRelease); err != nil {
		return api.CaseFile{}, err
	}
	return cf, nil
}

func (s *Server) optionalBlob(ctx context.Context, org, id string, kind store.BlobKind) ([]byte, error) {
	b, err := s.store.Blob(ctx, org, id, kind)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return b, err
}

// reporterMessages is GET /api/v1/orgs/{org}/cases/{id}/messages.
func (s *Server) reporterMessages(w http.ResponseWriter, r *http.Request) error {
	sess, _, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	return s.listEntries(w, r, sess.org, sess.subject, store.Messages)
}

// reporterPost is POST /api/v1/orgs/{org}/cases/{id}/messages.
func (s *Server) reporterPost(w http.ResponseWriter, r *http.Request) error {
	sess, _, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	if err := s.postEntry(w, r, sess.org, sess.subject, store.Messages, sess.party, api.MaxMessageCiphertext); err != nil {
		return err
	}
	s.notify(sess.org, notify.NewMessage)
	return nil
}

// reporterRead is POST /api/v1/orgs/{org}/cases/{id}/read.
func (s *Server) reporterRead(w http.ResponseWriter, r *http.Request) error {
	sess, _, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	return s.markRead(w, r, sess.org, sess.subject, func(m *store.CaseMeta, seq uint64) bool {
		if seq <= m.Read.Reporter {
			return false
		}
		m.Read.Reporter = seq
		return true
	})
}

// identityRelease is PUT /api/v1/orgs/{org}/cases/{id}/identity-release:
// the reporter lets the case's readers open the identity envelope.
func (s *Server) identityRelease(w http.ResponseWriter, r *http.Request) error {
	sess, m, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	var req api.Blob
	if err := decode(w, r, api.MaxJSONBody, &req); err != nil {
		return err
	}
	if err := checkCiphertext("ciphertext", req.Ciphertext, api.MaxReleaseCiphertext); err != nil {
		return err
	}
	if m.Flags.Identity == store.IdentityNone {
		return errorf(http.StatusConflict, "the case has no identity envelope to release")
	}
	err = s.store.PutBlob(r.Context(), sess.org, sess.subject, store.BlobRelease, req.Ciphertext)
	if errors.Is(err, store.ErrExists) {
		return errorf(http.StatusConflict, "another identity release is already stored")
	}
	if err != nil {
		return err
	}
	m, err = s.modify(r.Context(), sess.org, sess.subject, func(m *store.CaseMeta) (bool, error) {
		changed := m.Flags.Identity != store.IdentityReleased
		m.Flags.Identity = store.IdentityReleased
		return changed, nil
	})
	if err != nil {
		return err
	}
	return s.writeStatus(w, r, sess.org, &m, false, http.StatusOK)
}
