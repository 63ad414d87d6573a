package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/lanterne/lanterne/store"
)

const backupPath = "/api/v1/admin/backup"

func TestBackupRefused(t *testing.T) {
	e := newEnv(t)
	closed := newEnv(t, func(c *Config) { c.OperatorToken = "" })
	tests := []struct {
		name   string
		env    *env
		header string
		want   int
	}{
		{"no token", e, "", http.StatusUnauthorized},
		{"wrong token", e, "Bearer " + operatorToken + "x", http.StatusUnauthorized},
		{"token prefix", e, "Bearer " + operatorToken[:len(operatorToken)-1], http.StatusUnauthorized},
		{"wrong scheme", e, "Basic " + operatorToken, http.StatusUnauthorized},
		{"no operator token configured", closed, "Bearer " + operatorToken, http.StatusNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hr, _ := http.NewRequest("GET", tc.env.ts.URL+backupPath, nil)
			if tc.header != "" {
				hr.Header.Set("Authorization", tc.header)
			}
			resp, err := tc.env.ts.Client().Do(hr)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			r := &response{status: resp.StatusCode, header: resp.Header, body: body}
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, body)
			}
			r.errorText(t)
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			if r.header.Get("Content-Disposition") != "" || bytes.Contains(body, []byte("bolt")) {
				t.Errorf("a refused backup sent store bytes or headers: %q", body)
			}
		})
	}
}

// TestBackupWhileServing takes a backup while another goroutine keeps
// submitting cases: the copy opens, passes the audit checks, and holds
// every case submitted before the request started.
func TestBackupWhileServing(t *testing.T) {
	e := newEnv(t)
	o := e.newOrg("ville-backup")
	const n = 40
	var pending []*reporter
	for range n {
		pending = append(pending, e.newReporter(o, caseSpec{}))
	}
	for _, rp := range pending[:5] {
		e.submit(rp)
	}

	var mu sync.Mutex
	done := []string{pending[0].lookup, pending[1].lookup, pending[2].lookup, pending[3].lookup, pending[4].lookup}
	stop, errc, first := make(chan struct{}), make(chan error, 1), make(chan struct{})
	go func() {
		defer close(errc)
		for i, rp := range pending[5:] {
			select {
			case <-stop:
				return
			default:
			}
			body, _ := json.Marshal(rp.nc)
			resp, err := e.ts.Client().Post(e.ts.URL+o.path("/cases"), "application/json", bytes.NewReader(body))
			if err != nil {
				errc <- err
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				errc <- errors.New("submit: " + resp.Status)
				return
			}
			mu.Lock()
			done = append(done, rp.lookup)
			mu.Unlock()
			if i == 0 {
				close(first)
			}
		}
	}()
	<-first // the writer is running

	mu.Lock()
	before := append([]string(nil), done...)
	mu.Unlock()
	hr, _ := http.NewRequest("GET", e.ts.URL+backupPath, nil)
	hr.Header.Set("Authorization", "Bearer "+operatorToken)
	resp, err := e.ts.Client().Do(hr)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(f, resp.Body)
	resp.Body.Close()
	f.Close()
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	if werr := <-errc; werr != nil {
		t.Fatalf("concurrent submissions: %v", werr)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/octet-stream" ||
		!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
	}

	b, err := store.OpenReadOnly(path)
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	defer b.Close()
	cases := map[string]bool{}
	err = b.Walk(t.Context(), func(it store.Item) error {
		if err := it.Check(); err != nil {
			t.Errorf("audit check: %v", err)
		}
		if it.Org == o.id && it.Case != "" {
			cases[it.Case] = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range before {
		if !cases[id] {
			t.Errorf("case %s, submitted before the backup, is missing from it", id)
		}
	}
	if logs := e.logs.String(); !strings.Contains(logs, `"route":"GET /api/v1/admin/backup"`) {
		t.Errorf("the request log lacks the route template:\n%s", logs)
	}
}

// failingStore's Backup writes some bytes, or none, then fails.
type failingStore struct {
	store.Store
	written int
}

func (f failingStore) Backup(ctx context.Context, w io.Writer) (int64, error) {
	if f.written > 0 {
		n, err := w.Write(bytes.Repeat([]byte{0xAA}, f.written))
		if err != nil {
			return int64(n), err
		}
	}
	return int64(f.written), errors.New("disk error on /var/lib/lanterne/0123456789abcdef0123")
}

func TestBackupFails(t *testing.T) {
	t.Run("before the first byte", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Store = failingStore{Store: c.Store} })
		r := e.do(req{method: "GET", path: backupPath, token: operatorToken})
		if r.status != http.StatusInternalServerError || r.header.Get("Content-Disposition") != "" {
			t.Fatalf("status %d, headers %v", r.status, r.header)
		}
		r.errorText(t)
	})
	t.Run("mid-stream", func(t *testing.T) {
		e := newEnv(t, func(c *Config) { c.Store = failingStore{Store: c.Store, written: 64 << 10} })
		hr, _ := http.NewRequest("GET", e.ts.URL+backupPath, nil)
		hr.Header.Set("Authorization", "Bearer "+operatorToken)
		resp, err := e.ts.Client().Do(hr)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if b, err := io.ReadAll(resp.Body); err == nil {
			t.Fatalf("a failed backup downloaded as a whole file of %d bytes", len(b))
		}
		logs := e.logs.String()
		if !strings.Contains(logs, `"error":"backup:`) || strings.Contains(logs, "0123456789abcdef0123") {
			t.Errorf("log: %s", logs)
		}
	})
}
