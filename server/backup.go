package server

import "net/http"

// backup is GET /api/v1/admin/backup: a consistent copy of the store, taken
// while the server keeps serving (store.Store.Backup), streamed as it is
// written and never held whole in memory. It is authenticated like
// POST /api/v1/admin/orgs (the operator token) and is absent (404) when no
// operator token is configured.
//
// Errors before the first byte are answered with {"error"}. Once the body
// has started, a failure cuts the connection: the client sees a truncated,
// failed download, never a short file that looks whole.
func (s *Server) backup(w http.ResponseWriter, r *http.Request) error {
	if s.cfg.OperatorToken == "" {
		return errorf(http.StatusNotFound, "no such route")
	}
	if !s.isOperator(r) {
		return errorf(http.StatusUnauthorized, "operator token required (Authorization: Bearer TOKEN)")
	}
	bw := &backupWriter{w: w, s: s}
	if _, err := s.store.Backup(r.Context(), bw); err != nil {
		if !bw.started {
			return err
		}
		infoOf(r.Context()).err = "backup: " + redact(err)
		panic(http.ErrAbortHandler)
	}
	if !bw.started {
		return errorf(http.StatusInternalServerError, "the backup is empty")
	}
	return nil
}

// backupWriter sends the response headers with the first byte of the
// backup, so that an error before it can still be answered with JSON.
type backupWriter struct {
	w       http.ResponseWriter
	s       *Server
	started bool
}

func (b *backupWriter) Write(p []byte) (int, error) {
	if !b.started {
		if len(p) == 0 {
			return 0, nil
		}
		b.started = true
		h := b.w.Header()
		h.Set("Content-Type", "application/octet-stream")
		name := "lanterne-" + b.s.now().UTC().Format("20060102T150405Z") + ".db"
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
		b.w.WriteHeader(http.StatusOK)
	}
	return b.w.Write(p)
}
