package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/evidence"
	"github.com/lanterne/lanterne/crypto/scrub"
)

func TestMaxCiphertextSizeBoundsRealSize(t *testing.T) {
	for _, kind := range []agekey.Kind{agekey.Hybrid, agekey.X25519} {
		id, err := agekey.Generate(kind)
		if err != nil {
			t.Fatal(err)
		}
		for _, size := range []int64{0, 1, 64<<10 - 1, 64 << 10, 64<<10 + 1, 10 << 20} {
			pt := make([]byte, size)
			rand.Read(pt)
			sum, err := evidence.EncryptFrom(bytes.NewReader(pt), id.Recipient(), func(evidence.Chunk) error { return nil }, nil)
			if err != nil {
				t.Fatal(err)
			}
			bound := MaxCiphertextSize(size)
			if bound < sum.CiphertextSize {
				t.Errorf("%s, %d bytes: bound %d < real %d", kind, size, bound, sum.CiphertextSize)
			}
			// The bound is an upper bound, not a guess: the slack is only
			// the header allowance.
			if bound-sum.CiphertextSize > headerAllowance {
				t.Errorf("%s, %d bytes: bound %d exceeds real %d by more than %d", kind, size, bound, sum.CiphertextSize, headerAllowance)
			}
		}
	}
}

func TestMaxCiphertextSizeRefusesImpossibleSizes(t *testing.T) {
	for _, size := range []int64{-1, 4<<30 + 1} {
		if got := MaxCiphertextSize(size); got != -1 {
			t.Errorf("MaxCiphertextSize(%d) = %d, want -1", size, got)
		}
	}
}

func TestAPIErrorDecoding(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		ctype  string
		body   string
		want   string
	}{
		{"json error", 404, "application/json", `{"error":"no such case"}`, "no such case"},
		{"plain text", 502, "text/plain", "bad gateway from proxy", "bad gateway"},
		{"empty body", 401, "", "", "unauthorized"},
		{"json without error", 409, "application/json", `{"other":1}`, "conflict"},
		{"huge body", 500, "application/json", `{"error":"` + strings.Repeat("x", 1<<20) + `"}`, "internal server error"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.ctype != "" {
					w.Header().Set("Content-Type", tc.ctype)
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c := New(srv.URL, srv.Client())
			err := c.do(context.Background(), request{method: http.MethodGet, path: "/api/v1/x"})
			var ae *APIError
			if !errors.As(err, &ae) {
				t.Fatalf("error %v is not an *APIError", err)
			}
			if ae.Status != tc.status || ae.Message != tc.want {
				t.Errorf("got %d %q, want %d %q", ae.Status, ae.Message, tc.status, tc.want)
			}
			if !IsStatus(err, tc.status) {
				t.Error("IsStatus is false")
			}
		})
	}
}

func TestResponseSizeLimit(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(bytes.Repeat([]byte("a"), 2000))
	}))
	defer srv.Close()
	c := New(srv.URL, srv.Client())
	var b []byte
	if err := c.do(context.Background(), request{method: http.MethodGet, path: "/x", out: &b, limit: 1999}); !errors.Is(err, errTooLarge) {
		t.Errorf("2000 bytes with limit 1999: %v, want errTooLarge", err)
	}
	if err := c.do(context.Background(), request{method: http.MethodGet, path: "/x", out: &b, limit: 2000}); err != nil || len(b) != 2000 {
		t.Errorf("2000 bytes with limit 2000: %v, %d bytes", err, len(b))
	}
}

// chunkServer answers chunk uploads, failing some attempts.
type chunkServer struct {
	mu       sync.Mutex
	attempts map[string]int
	fail     func(path string, attempt int) int // status to answer, 0 for success
}

func (s *chunkServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	s.mu.Lock()
	s.attempts[r.URL.Path]++
	n := s.attempts[r.URL.Path]
	s.mu.Unlock()
	if st := s.fail(r.URL.Path, n); st != 0 {
		w.WriteHeader(st)
		io.WriteString(w, `{"error":"try again"}`)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func TestPutChunkRetry(t *testing.T) {
	for _, tc := range []struct {
		name     string
		fail     func(attempt int) int
		wantErr  int // status of the final error, 0 for success
		attempts int
	}{
		{"fails once then succeeds", func(a int) int {
			if a == 1 {
				return http.StatusServiceUnavailable
			}
			return 0
		}, 0, 2},
		{"three failures then success", func(a int) int {
			if a <= 3 {
				return http.StatusBadGateway
			}
			return 0
		}, 0, 4},
		{"always failing gives up after three retries", func(int) int { return http.StatusInternalServerError }, 500, 4},
		{"429 is retried", func(a int) int {
			if a == 1 {
				return http.StatusTooManyRequests
			}
			return 0
		}, 0, 2},
		{"4xx is not retried", func(int) int { return http.StatusConflict }, 409, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cs := &chunkServer{attempts: map[string]int{}, fail: func(_ string, a int) int { return tc.fail(a) }}
			srv := httptest.NewServer(cs)
			defer srv.Close()
			c := New(srv.URL, srv.Client())
			var delays []int
			c.RetryDelay = func(a int) time.Duration { delays = append(delays, a); return time.Millisecond }
			s := &session{c: c, token: "t"}
			err := s.putChunk(context.Background(), "/c/chunks/0", []byte("data"))
			switch {
			case tc.wantErr == 0 && err != nil:
				t.Fatalf("putChunk: %v", err)
			case tc.wantErr != 0 && !IsStatus(err, tc.wantErr):
				t.Fatalf("putChunk: %v, want status %d", err, tc.wantErr)
			}
			if got := cs.attempts["/c/chunks/0"]; got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
			if len(delays) != tc.attempts-1 {
				t.Errorf("waited %d times, want %d", len(delays), tc.attempts-1)
			}
		})
	}
}

func TestPutChunkRetryStopsOnCancel(t *testing.T) {
	cs := &chunkServer{attempts: map[string]int{}, fail: func(string, int) int { return 503 }}
	srv := httptest.NewServer(cs)
	defer srv.Close()
	c := New(srv.URL, srv.Client())
	c.RetryDelay = func(int) time.Duration { return time.Hour }
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	s := &session{c: c}
	if err := s.putChunk(ctx, "/c", []byte("x")); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("putChunk: %v, want the context's error", err)
	}
}

// TestSessionRenewsOn401: an expired token is renewed once, transparently.
func TestSessionRenewsOn401(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer fresh" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		io.WriteString(w, `{"seq":7}`)
	}))
	defer srv.Close()
	c := New(srv.URL, srv.Client())
	renewals := 0
	s := &session{c: c, token: "stale", renew: func(context.Context) (string, error) { renewals++; return "fresh", nil }}
	seq, err := s.post(context.Background(), "/m", []byte("ct"))
	if err != nil || seq != 7 || renewals != 1 {
		t.Fatalf("post: seq %d, err %v, %d renewals; want 7, nil, 1", seq, err, renewals)
	}
	if _, err := s.post(context.Background(), "/m", []byte("ct")); err != nil || renewals != 1 {
		t.Errorf("second post renewed again (%d) or failed: %v", renewals, err)
	}
}

func TestParseRotation(t *testing.T) {
	for _, tc := range []struct {
		body string
		g    uint32
		rcpt string
		ok   bool
	}{
		{"key-rotation:2:age1pq1abc", 2, "age1pq1abc", true},
		{"key-rotation:10:age1xyz", 10, "age1xyz", true},
		{"key-rotation:0:age1xyz", 0, "", false},
		{"key-rotation:-1:age1xyz", 0, "", false},
		{"key-rotation:4294967296:age1xyz", 0, "", false},
		{"key-rotation:2:", 0, "", false},
		{"key-rotation:2", 0, "", false},
		{"Accusé de réception", 0, "", false},
		{" key-rotation:2:age1", 0, "", false},
	} {
		g, r, ok := parseRotation(tc.body)
		if g != tc.g || r != tc.rcpt || ok != tc.ok {
			t.Errorf("parseRotation(%q) = %d, %q, %v; want %d, %q, %v", tc.body, g, r, ok, tc.g, tc.rcpt, tc.ok)
		}
	}
}

func TestMediaType(t *testing.T) {
	for _, tc := range []struct {
		typ      string
		declared string
		want     string
	}{
		{"image/jpeg", "text/plain", "image/jpeg"}, // content wins
		{"application/octet-stream", "Audio/MPEG", "audio/mpeg"},
		{"application/octet-stream", "text/plain; charset=utf-8", "text/plain"},
		{"application/octet-stream", "", "application/octet-stream"},
		{"application/octet-stream", "not a type", "application/octet-stream"},
	} {
		if got := mediaType(scrub.Type(tc.typ), tc.declared); got != tc.want {
			t.Errorf("mediaType(%s, %q) = %q, want %q", tc.typ, tc.declared, got, tc.want)
		}
	}
}

func TestStrictLimit(t *testing.T) {
	for _, tc := range []struct {
		content  string
		declared int64
		wantErr  bool
	}{
		{"12345", 5, false},
		{"12345", 10, false}, // shorter than announced: fine, the bound still holds
		{"123456", 5, true},
		{"", 0, false},
		{"1", 0, true},
	} {
		b, err := io.ReadAll(&strictLimit{r: strings.NewReader(tc.content), n: tc.declared})
		if (err != nil) != tc.wantErr {
			t.Errorf("%q declared %d: err %v, want error %v", tc.content, tc.declared, err, tc.wantErr)
		}
		if !tc.wantErr && string(b) != tc.content {
			t.Errorf("%q declared %d: read %q", tc.content, tc.declared, b)
		}
	}
}

func TestDirectoryPinning(t *testing.T) {
	o := newTestOrg(t, "mairie-pin")
	other := newTestOrg(t, "mairie-pin")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/orgs/mairie-pin/directory" {
			http.NotFound(w, r)
			return
		}
		w.Write(o.signed)
	}))
	defer srv.Close()
	c := New(srv.URL, srv.Client())
	c.Now = func() time.Time { return testNow }
	ctx := context.Background()

	pin := &Pin{OrgID: "mairie-pin", Fingerprint: o.signer.Fingerprint()}
	d, err := c.Directory(ctx, pin)
	if err != nil || d.OrgID != "mairie-pin" || pin.Version != 1 {
		t.Fatalf("Directory: %v, version %d", err, pin.Version)
	}
	for _, tc := range []struct {
		name string
		pin  Pin
		now  time.Time
		want error
	}{
		{"another organisation's fingerprint", Pin{"mairie-pin", other.signer.Fingerprint(), 0}, testNow, directory.ErrWrongOrganisation},
		{"rollback", Pin{"mairie-pin", o.signer.Fingerprint(), 2}, testNow, directory.ErrRollback},
		{"expired", Pin{"mairie-pin", o.signer.Fingerprint(), 0}, testNow.Add(400 * 24 * time.Hour), directory.ErrExpired},
	} {
		c.Now = func() time.Time { return tc.now }
		p := tc.pin
		if _, err := c.Directory(ctx, &p); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
		if p.Version != tc.pin.Version {
			t.Errorf("%s: pin version changed to %d on failure", tc.name, p.Version)
		}
	}
}
