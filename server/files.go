package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/store"
)

// declareFile is POST /api/v1/orgs/{org}/cases/{id}/files: an evidence
// file's id and the upper bound of its ciphertext, reserved against the
// quotas. Declaring the same file with the same bound again is harmless.
func (s *Server) declareFile(w http.ResponseWriter, r *http.Request) error {
	sess, _, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	var req api.FileDecl
	if err := decode(w, r, 4<<10, &req); err != nil {
		return err
	}
	if err := checkFileDecl("file", req); err != nil {
		return err
	}
	files, err := s.store.Files(r.Context(), sess.org, sess.subject)
	if err != nil {
		return err
	}
	again := false
	for _, f := range files {
		again = again || f.FileID == req.FileID
	}
	if !again && len(files) >= api.MaxFilesPerCase {
		return errorf(http.StatusUnprocessableEntity, "a case holds at most %d files", api.MaxFilesPerCase)
	}
	err = s.store.BeginFile(r.Context(), sess.org, sess.subject, store.FileHeader{FileID: req.FileID, MaxSize: uint64(req.MaxCiphertextSize), BeganDay: s.today().String()})
	if errors.Is(err, store.ErrExists) {
		return errorf(http.StatusConflict, "the file was declared with another size")
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, api.FileStatus{FileID: req.FileID})
	return nil
}

// fileVars reads and checks {file} (and {n} when chunk is set).
func fileVars(r *http.Request, chunk bool) (file string, n uint32, err error) {
	v := mux.Vars(r)
	file = v["file"]
	if !validFileID(file) {
		return "", 0, errorf(http.StatusBadRequest, "the file id must be 32 lowercase hex characters")
	}
	if chunk {
		s := v["n"]
		x, err := strconv.ParseUint(s, 10, 32)
		if err != nil || (len(s) > 1 && s[0] == '0') {
			return "", 0, errorf(http.StatusBadRequest, "the chunk number must be a decimal number from 0")
		}
		n = uint32(x)
	}
	return file, n, nil
}

// putChunk is PUT /api/v1/orgs/{org}/cases/{id}/files/{file}/chunks/{n}:
// one chunk of at most api.ChunkSize bytes, as application/octet-stream.
// Sending the same bytes again is harmless (a retry after a lost answer).
func (s *Server) putChunk(w http.ResponseWriter, r *http.Request) error {
	sess, _, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	file, n, err := fileVars(r, true)
	if err != nil {
		return err
	}
	if err := wantContentType(r, "application/octet-stream"); err != nil {
		return err
	}
	data, err := readBody(w, r, api.ChunkSize)
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return errorf(http.StatusBadRequest, "empty chunk")
	}
	err = s.store.PutChunk(r.Context(), sess.org, sess.subject, file, n, data)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errNoFile
	case errors.Is(err, store.ErrInvalid):
		return errorf(http.StatusUnprocessableEntity, "the chunk ends past the declared size, or the file does not start as an age ciphertext")
	case errors.Is(err, store.ErrConflict):
		return errorf(http.StatusConflict, "another chunk is stored at this index, or the file is complete")
	case err != nil:
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// completeFile is POST /api/v1/orgs/{org}/cases/{id}/files/{file}/complete.
func (s *Server) completeFile(w http.ResponseWriter, r *http.Request) error {
	sess, _, err := s.reporterCase(r)
	if err != nil {
		return err
	}
	file, _, err := fileVars(r, false)
	if err != nil {
		return err
	}
	var req api.FileComplete
	if err := decode(w, r, 4<<10, &req); err != nil {
		return err
	}
	if len(req.CiphertextSHA256) != 32 {
		return errorf(http.StatusBadRequest, "ciphertext_sha256 must be 32 bytes")
	}
	if req.CiphertextSize <= 0 || req.CiphertextSize > api.MaxFileCiphertext {
		return errorf(http.StatusUnprocessableEntity, "ciphertext_size must be 1 to %d", int64(api.MaxFileCiphertext))
	}
	err = s.store.CompleteFile(r.Context(), sess.org, sess.subject, file, uint64(req.CiphertextSize), store.Hash(req.CiphertextSHA256))
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errNoFile
	case errors.Is(err, store.ErrIncomplete):
		return errorf(http.StatusConflict, "the file still misses chunks")
	case errors.Is(err, store.ErrConflict):
		return errorf(http.StatusConflict, "the stored chunks do not have this size and SHA-256")
	case err != nil:
		return err
	}
	writeJSON(w, http.StatusOK, api.FileStatus{FileID: file, CiphertextSize: req.CiphertextSize,
		CiphertextSHA256: req.CiphertextSHA256, Complete: true, Chunks: int((req.CiphertextSize + api.ChunkSize - 1) / api.ChunkSize)})
	return nil
}

// downloadFile is GET /api/v1/orgs/{org}/referent/cases/{id}/files/{file}:
// a complete file's ciphertext, streamed chunk by chunk with its length.
func (s *Server) downloadFile(w http.ResponseWriter, r *http.Request) error {
	rc, err := s.referentCase(r)
	if err != nil {
		return err
	}
	file, _, err := fileVars(r, false)
	if err != nil {
		return err
	}
	files, err := s.store.Files(r.Context(), rc.org, rc.id)
	if err != nil {
		return err
	}
	var h *store.FileHeader
	for i := range files {
		if files[i].FileID == file {
			h = &files[i]
		}
	}
	if h == nil {
		return errNoFile
	}
	if !h.Complete {
		return errorf(http.StatusConflict, "the file is not complete yet")
	}
	if err := s.logAccess(r, rc, "evidence"); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", "attachment")
	w.Header().Set("Content-Length", strconv.FormatUint(h.Size, 10))
	w.WriteHeader(http.StatusOK)
	if n, err := s.store.ReadFile(r.Context(), rc.org, rc.id, file, w); err != nil || uint64(n) != h.Size {
		// The status is sent: cut the connection so that the client sees
		// a short body, not a complete one.
		panic(http.ErrAbortHandler)
	}
	return nil
}
