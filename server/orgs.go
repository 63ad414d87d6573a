package server

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gorilla/mux"

	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/store"
)

// orgConfig is the organisation configuration the server stores (the
// store's opaque "config" JSON).
type orgConfig struct {
	Name        string `json:"name"`
	Fingerprint string `json:"fingerprint"` // canonical form, pinned
}

// orgState is an organisation as the server uses it: its pinned
// configuration and its current directory, verified.
type orgState struct {
	id      string
	config  orgConfig
	version uint64
	signed  []byte
	dir     *directory.Directory // nil before the first publication
}

// expired reports whether the directory is past its validity at now.
func (o *orgState) expired(now time.Time) bool {
	return o.dir != nil && !now.Before(o.dir.ExpiresAt)
}

const maxOrgNameLength = 200

func validName(s string) bool {
	if len(s) == 0 || len(s) > maxOrgNameLength || !utf8.ValidString(s) || strings.TrimSpace(s) == "" {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return false
		}
	}
	return true
}

// org returns the organisation named by the request's {org}, from the
// cache or the store (404 if unknown).
func (s *Server) org(r *http.Request) (*orgState, error) {
	id := mux.Vars(r)["org"]
	if !directory.ValidOrgID(id) {
		return nil, errNoOrg
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orgs[id]; ok {
		return o, nil
	}
	o, err := s.loadOrg(r, id)
	if err != nil {
		return nil, err
	}
	s.orgs[id] = o
	return o, nil
}

// loadOrg reads and verifies an organisation's state. The caller holds
// s.mu. The Server is the store's only writer, so the cache it fills stays
// valid until the Server itself changes the organisation.
func (s *Server) loadOrg(r *http.Request, id string) (*orgState, error) {
	so, err := s.store.Org(r.Context(), id)
	if err != nil {
		return nil, storeError(err, errNoOrg)
	}
	o := &orgState{id: id, version: so.DirectoryVersion, signed: so.Directory}
	if err := json.Unmarshal(so.Config, &o.config); err != nil {
		return nil, errors.New("organisation config is corrupt")
	}
	if so.Directory == nil {
		return o, nil
	}
	d, err := directory.Verify(so.Directory, o.config.Fingerprint, so.DirectoryVersion, s.now())
	if errors.Is(err, directory.ErrExpired) || errors.Is(err, directory.ErrNotYetValid) {
		// It was valid when published: check its signature as of its
		// issue time. Expiry is checked where it matters (submissions).
		var u *directory.Directory
		if u, err = directory.ParseUnverified(so.Directory); err == nil {
			d, err = directory.Verify(so.Directory, o.config.Fingerprint, so.DirectoryVersion, u.IssuedAt)
		}
	}
	if err != nil {
		return nil, errors.New("stored directory does not verify")
	}
	o.dir = d
	return o, nil
}

// registerOrg is POST /api/v1/admin/orgs.
func (s *Server) registerOrg(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.OperatorToken == "" {
		return errorf(http.StatusNotFound, "no such route")
	}
	if !s.isOperator(r) {
		return errorf(http.StatusUnauthorized, "operator token required (Authorization: Bearer TOKEN)")
	}
	var req api.RegisterOrg
	if err := decode(w, r, 16<<10, &req); err != nil {
		return err
	}
	if !directory.ValidOrgID(req.OrgID) {
		return errorf(http.StatusUnprocessableEntity, "org_id must match [a-z0-9][a-z0-9-]{0,62}")
	}
	if !validName(req.Name) {
		return errorf(http.StatusUnprocessableEntity, "name must be 1 to %d bytes of printable UTF-8", maxOrgNameLength)
	}
	fp, err := directory.ParseFingerprint(req.Fingerprint)
	if err != nil {
		return errorf(http.StatusUnprocessableEntity, "fingerprint must be 20 characters such as K7QM-2DX9-HRT4-P3VN-W8KE")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := s.store.Org(r.Context(), req.OrgID); err == nil {
		return errorf(http.StatusConflict, "the organisation is already registered")
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	cfg, _ := json.Marshal(orgConfig{Name: req.Name, Fingerprint: fp})
	if err := s.store.PutOrgConfig(r.Context(), req.OrgID, cfg); err != nil {
		return err
	}
	delete(s.orgs, req.OrgID)
	writeJSON(w, http.StatusCreated, api.OrgInfo{OrgID: req.OrgID, Name: req.Name, Fingerprint: fp})
	return nil
}

// isOperator compares the bearer token with the operator token in constant
// time (both hashed first, so that their lengths do not leak either).
func (s *Server) isOperator(r *http.Request) bool {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return false
	}
	got, want := sha256.Sum256([]byte(strings.TrimSpace(tok))), sha256.Sum256([]byte(s.cfg.OperatorToken))
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}

// listOrgs is GET /api/v1/orgs.
func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request) error {
	ids, err := s.store.Orgs(r.Context())
	if err != nil {
		return err
	}
	out := api.Orgs{Orgs: []api.OrgInfo{}}
	for _, id := range ids {
		o, err := s.orgByID(r, id)
		if err != nil {
			continue
		}
		out.Orgs = append(out.Orgs, api.OrgInfo{OrgID: id, Name: o.config.Name})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) orgByID(r *http.Request, id string) (*orgState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if o, ok := s.orgs[id]; ok {
		return o, nil
	}
	o, err := s.loadOrg(r, id)
	if err == nil {
		s.orgs[id] = o
	}
	return o, err
}

// getDirectory is GET /api/v1/orgs/{org}/directory: the signed bytes as
// published.
func (s *Server) getDirectory(w http.ResponseWriter, r *http.Request) error {
	o, err := s.org(r)
	if err != nil {
		return err
	}
	if o.signed == nil {
		return errorf(http.StatusNotFound, "the organisation has not published its directory yet")
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", itoa(len(o.signed)))
	w.WriteHeader(http.StatusOK)
	w.Write(o.signed)
	return nil
}

// putDirectory is PUT /api/v1/orgs/{org}/directory. Anyone may publish:
// only a directory signed by the organisation's pinned key chain, newer
// than the stored one and valid now is accepted.
func (s *Server) putDirectory(w http.ResponseWriter, r *http.Request) error {
	o, err := s.org(r)
	if err != nil {
		return err
	}
	if err := wantContentType(r, "application/json"); err != nil {
		return err
	}
	signed, err := readBody(w, r, api.MaxDirectory)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cur, ok := s.orgs[o.id]; ok {
		o = cur
	}
	d, err := directory.Verify(signed, o.config.Fingerprint, o.version, s.now())
	switch {
	case errors.Is(err, directory.ErrMalformed):
		return errorf(http.StatusBadRequest, "not a well-formed signed directory")
	case errors.Is(err, directory.ErrWrongOrganisation):
		return errorf(http.StatusForbidden, "the directory is not signed by this organisation's key (fingerprint mismatch)")
	case errors.Is(err, directory.ErrBadSignature), errors.Is(err, directory.ErrBrokenChain):
		return errorf(http.StatusForbidden, "the directory's signature or key chain does not verify")
	case errors.Is(err, directory.ErrExpired):
		return errorf(http.StatusUnprocessableEntity, "the directory has expired")
	case errors.Is(err, directory.ErrNotYetValid):
		return errorf(http.StatusUnprocessableEntity, "the directory is not valid yet (issued in the future)")
	case errors.Is(err, directory.ErrRollback):
		return errorf(http.StatusConflict, "the directory's version is below the published version %d", o.version)
	case err != nil:
		return errorf(http.StatusBadRequest, "not a well-formed signed directory")
	}
	if d.OrgID != o.id {
		return errorf(http.StatusForbidden, "the directory is for another organisation")
	}
	if d.Version <= o.version {
		return errorf(http.StatusConflict, "version %d is not above the published version %d", d.Version, o.version)
	}
	if err := s.store.PutDirectory(r.Context(), o.id, d.Version, bytes.Clone(signed)); err != nil {
		return err
	}
	s.orgs[o.id] = &orgState{id: o.id, config: o.config, version: d.Version, signed: bytes.Clone(signed), dir: d}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
