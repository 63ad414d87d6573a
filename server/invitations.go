package server

import (
	"errors"
	"net/http"

	"github.com/gorilla/mux"

	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/store"
)

// createInvitation is POST /api/v1/orgs/{org}/cases/{id}/invitation: a
// witness's invitation for the presumed victim (one per witness case).
func (s *Server) createInvitation(w http.ResponseWriter, r *http.Request) error {
	sess, m, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	var req api.Invitation
	if err := decode(w, r, api.MaxInvitationCiphertext*4/3+4<<10, &req); err != nil {
		return err
	}
	if !validLookupID(req.LookupID) {
		return errorf(http.StatusBadRequest, "lookup_id must be 32 lowercase hex characters")
	}
	if len(req.AuthHash) != 32 {
		return errorf(http.StatusBadRequest, "auth_hash must be 32 bytes")
	}
	if err := checkCiphertext("ciphertext", req.Ciphertext, api.MaxInvitationCiphertext); err != nil {
		return err
	}
	if !m.Flags.Witness {
		return errorf(http.StatusUnprocessableEntity, "only a witness's case issues an invitation")
	}
	if req.LookupID == m.LookupID {
		return errorf(http.StatusUnprocessableEntity, "the invitation needs its own lookup id")
	}
	err = s.store.CreateInvitation(r.Context(), sess.org, store.Invitation{
		ID: req.LookupID, WitnessCase: m.LookupID, AuthHash: store.Hash(req.AuthHash),
		Ciphertext: req.Ciphertext, CreatedDay: s.today().String(),
	})
	if errors.Is(err, store.ErrExists) {
		return errorf(http.StatusConflict, "the case already issued an invitation, or the lookup id is taken")
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkInvitationSecret finds the invitation and checks its secret, with
// the same answer for an unknown invitation and a wrong secret, and counts
// failures. On success the caller resets the count (key) once it is done.
func (s *Server) checkInvitationSecret(r *http.Request, org, id string, secret []byte) (store.Invitation, string, error) {
	key := "invitation/" + org + "/" + id
	now := s.now()
	if err := s.auth.locked(key, now); err != nil {
		return store.Invitation{}, "", err
	}
	inv, err := s.store.Invitation(r.Context(), org, id)
	if errors.Is(err, store.ErrNotFound) {
		casecode.CheckAuth(dummyHash, secret)
		s.auth.failed(key, now)
		return store.Invitation{}, "", errBadInvite
	}
	if err != nil {
		return store.Invitation{}, "", err
	}
	if !casecode.CheckAuth(inv.AuthHash, secret) {
		s.auth.failed(key, now)
		return store.Invitation{}, "", errBadInvite
	}
	return inv, key, nil
}

// invitationProof reads {inv} and an api.SessionRequest and checks them.
func (s *Server) invitationProof(w http.ResponseWriter, r *http.Request) (string, store.Invitation, error) {
	o, err := s.org(r)
	if err != nil {
		return "", store.Invitation{}, err
	}
	id := mux.Vars(r)["inv"]
	if !validLookupID(id) {
		return "", store.Invitation{}, errorf(http.StatusBadRequest, "the invitation's lookup id must be 32 lowercase hex characters")
	}
	var req api.SessionRequest
	if err := decode(w, r, 4<<10, &req); err != nil {
		return "", store.Invitation{}, err
	}
	if len(req.AuthSecret) != casecode.AuthSecretSize {
		return "", store.Invitation{}, errorf(http.StatusBadRequest, "auth_secret must be %d bytes", casecode.AuthSecretSize)
	}
	inv, key, err := s.checkInvitationSecret(r, o.id, id, req.AuthSecret)
	if err != nil {
		return "", store.Invitation{}, err
	}
	s.auth.succeeded(key)
	return o.id, inv, nil
}

var errRedeemed = errorf(http.StatusConflict, "the invitation was already answered")

// readInvitationWithSecret is POST /api/v1/orgs/{org}/invitations/{inv}
// with the invitation's auth secret: the sealed invitation, at once.
func (s *Server) readInvitationWithSecret(w http.ResponseWriter, r *http.Request) error {
	_, inv, err := s.invitationProof(w, r)
	if err != nil {
		return err
	}
	if inv.Redeemed {
		return errRedeemed
	}
	writeJSON(w, http.StatusOK, api.Blob{Ciphertext: inv.Ciphertext})
	return nil
}

// invitationLogin is POST /api/v1/orgs/{org}/invitations/{inv}/session.
func (s *Server) invitationLogin(w http.ResponseWriter, r *http.Request) error {
	org, inv, err := s.invitationProof(w, r)
	if err != nil {
		return err
	}
	if inv.Redeemed {
		return errRedeemed
	}
	return s.startSession(w, session{kind: invitationSession, org: org, subject: inv.ID})
}

// readInvitation is GET /api/v1/orgs/{org}/invitations/{inv} with an
// invitation session.
func (s *Server) readInvitation(w http.ResponseWriter, r *http.Request) error {
	sess, err := s.auth.bearer(r, s.now())
	if err != nil {
		return err
	}
	v := mux.Vars(r)
	if sess.kind != invitationSession || sess.org != v["org"] || sess.subject != v["inv"] {
		return errWrongScope
	}
	inv, err := s.store.Invitation(r.Context(), sess.org, sess.subject)
	if err != nil {
		return storeError(err, errBadInvite)
	}
	if inv.Redeemed {
		return errRedeemed
	}
	writeJSON(w, http.StatusOK, api.Blob{Ciphertext: inv.Ciphertext})
	return nil
}
