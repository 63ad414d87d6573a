package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/store"
)

const defaultPage = 100

// listEntries answers a page of a thread: entries after the "after" query
// parameter, at most "limit" (100 by default, api.MaxPage at most) and
// stopping once api.MaxPageBytes of ciphertext are in the page.
func (s *Server) listEntries(w http.ResponseWriter, r *http.Request, org, id string, t store.Thread) error {
	after, err := queryUint(r, "after", 0, ^uint64(0))
	if err != nil {
		return err
	}
	limit, err := queryUint(r, "limit", defaultPage, api.MaxPage)
	if err != nil {
		return err
	}
	if limit == 0 {
		limit = defaultPage
	}
	out := api.Entries{Entries: []api.Entry{}}
	var size int
	for len(out.Entries) < int(limit) {
		// Small batches, so that the byte cap never reads far past itself.
		batch := min(int(limit)-len(out.Entries), 16)
		es, err := s.store.Entries(r.Context(), org, id, t, after, batch)
		if err != nil {
			return err
		}
		for _, e := range es {
			if len(out.Entries) > 0 && size+len(e.Ciphertext) > api.MaxPageBytes {
				writeJSON(w, http.StatusOK, out)
				return nil
			}
			size += len(e.Ciphertext)
			out.Entries = append(out.Entries, api.Entry{Seq: e.Seq, Author: e.Author, Time: e.Time, Ciphertext: e.Ciphertext})
			after = e.Seq
		}
		if len(es) < batch {
			break
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// postEntry appends a ciphertext to a thread (201 with its sequence
// number).
func (s *Server) postEntry(w http.ResponseWriter, r *http.Request, org, id string, t store.Thread, author string, limit int) error {
	var req api.PostEntry
	if err := decode(w, r, int64(limit)*4/3+1024, &req); err != nil {
		return err
	}
	if err := checkCiphertext("ciphertext", req.Ciphertext, limit); err != nil {
		return err
	}
	e, err := s.store.Append(r.Context(), org, id, t, store.Entry{Author: author, Time: s.now(), Ciphertext: req.Ciphertext})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, api.Posted{Seq: e.Seq})
	return nil
}

// markRead records a read receipt: set applies it to the meta and reports
// whether it moved. A receipt never goes back, and never past the last
// message (422).
func (s *Server) markRead(w http.ResponseWriter, r *http.Request, org, id string, set func(*store.CaseMeta, uint64) bool) error {
	var req api.MarkRead
	if err := decode(w, r, 4<<10, &req); err != nil {
		return err
	}
	last, _, err := s.store.Headers(r.Context(), org, id, store.Messages, ^uint64(0), 1)
	if err != nil {
		return err
	}
	if req.Seq > last {
		return errorf(http.StatusUnprocessableEntity, "seq %d is past the last message (%d)", req.Seq, last)
	}
	_, err = s.modify(r.Context(), org, id, func(m *store.CaseMeta) (bool, error) {
		return set(m, req.Seq), nil
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// unchanged stops a modify whose function changed nothing.
type unchanged struct{ m store.CaseMeta }

func (unchanged) Error() string { return "unchanged" }

// modify is store.Modify whose function also says whether it changed the
// meta; an unchanged meta is not written again.
func (s *Server) modify(ctx context.Context, org, id string, fn func(*store.CaseMeta) (bool, error)) (store.CaseMeta, error) {
	m, err := store.Modify(ctx, s.store, org, id, func(m *store.CaseMeta) error {
		changed, err := fn(m)
		if err == nil && !changed {
			return unchanged{*m}
		}
		return err
	})
	var u unchanged
	if errors.As(err, &u) {
		return u.m, nil
	}
	return m, err
}
