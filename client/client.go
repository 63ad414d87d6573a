package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/lanterne/lanterne/crypto/scrub"
	"github.com/lanterne/lanterne/server/api"
)

// Client talks to one Lanterne server. Its fields may be set after New and
// before first use; a Client is safe for concurrent use once configured.
type Client struct {
	// BaseURL is the server's address, without a trailing slash
	// ("https://lanterne.example.org").
	BaseURL string
	// HTTP is the HTTP client used for every request.
	HTTP *http.Client
	// Now is the device clock: directory validity and the times written
	// inside reports and messages. Nil means time.Now.
	Now func() time.Time
	// PDFScrubber removes metadata from PDFs (package pdfscrub's PDF).
	// Nil means PDFs are uploaded as they are and the receipt says so;
	// a browser build may leave it nil to avoid loading pdfcpu.
	PDFScrubber func(dst io.Writer, src io.ReadSeeker) (scrub.Report, error)
	// RetryDelay is how long to wait before retry number attempt (1, 2, 3)
	// of a failed chunk upload. Nil means 500 ms, 1 s, 2 s.
	RetryDelay func(attempt int) time.Duration
}

// New returns a Client for the server at baseURL. hc nil means
// http.DefaultClient.
func New(baseURL string, hc *http.Client) *Client {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: hc}
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// APIError is a non-2xx answer of the server.
type APIError struct {
	Status  int    // HTTP status code
	Message string // the server's {"error": ...}, or the status text
}

func (e *APIError) Error() string {
	return fmt.Sprintf("lanterne server: %d %s", e.Status, e.Message)
}

// IsStatus reports whether err is an *APIError with the given HTTP status.
func IsStatus(err error, status int) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Status == status
}

// Response size limits.
const (
	maxErrorBody = 64 << 10
	// maxJSONResponse bounds every JSON answer: a case file holds a report
	// of at most api.MaxReportCiphertext bytes and up to api.MaxWraps wraps,
	// base64-encoded; a page of entries is bounded by the server.
	maxJSONResponse = 16 << 20
)

// errTooLarge is returned when an answer exceeds its limit.
var errTooLarge = errors.New("lanterne client: the server's answer is too large")

// request is one HTTP exchange.
type request struct {
	method string
	path   string // starting with /api/v1/
	token  string // bearer token, if any
	in     any    // JSON body, or nil
	raw    []byte // raw body (application/octet-stream), used when in is nil
	out    any    // JSON answer destination, or nil
	limit  int64  // answer size limit (maxJSONResponse when 0)
}

// do performs r and decodes the answer into r.out.
func (c *Client) do(ctx context.Context, r request) error {
	resp, err := c.send(ctx, r)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	limit := r.limit
	if limit == 0 {
		limit = maxJSONResponse
	}
	body, err := readLimited(resp.Body, limit)
	if err != nil {
		return err
	}
	if r.out == nil {
		return nil
	}
	if raw, ok := r.out.(*[]byte); ok {
		*raw = body
		return nil
	}
	if err := json.Unmarshal(body, r.out); err != nil {
		return fmt.Errorf("lanterne client: malformed answer to %s %s: %w", r.method, routeName(r.path), err)
	}
	return nil
}

// send performs r and returns a 2xx response, whose body the caller closes;
// any other status becomes an *APIError.
func (c *Client) send(ctx context.Context, r request) (*http.Response, error) {
	var body io.Reader
	contentType := ""
	switch {
	case r.in != nil:
		b, err := json.Marshal(r.in)
		if err != nil {
			return nil, err
		}
		body, contentType = bytes.NewReader(b), "application/json"
	case r.raw != nil:
		body, contentType = bytes.NewReader(r.raw), "application/octet-stream"
	}
	req, err := http.NewRequestWithContext(ctx, r.method, c.BaseURL+r.path, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json")
	if r.token != "" {
		req.Header.Set("Authorization", "Bearer "+r.token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer resp.Body.Close()
		return nil, decodeAPIError(resp)
	}
	return resp, nil
}

// decodeAPIError reads the server's {"error": "..."} body, at most
// maxErrorBody bytes of it.
func decodeAPIError(resp *http.Response) *APIError {
	e := &APIError{Status: resp.StatusCode}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var body api.Error
	if json.Unmarshal(b, &body) == nil && body.Error != "" {
		e.Message = body.Error
	} else {
		e.Message = strings.ToLower(http.StatusText(resp.StatusCode))
	}
	return e
}

// readLimited reads all of r, failing when it holds more than limit bytes.
func readLimited(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errTooLarge
	}
	return b, nil
}

// routeName strips identifiers from a path for error messages, so that
// errors never carry a lookup id.
func routeName(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if len(p) >= 16 {
			parts[i] = "…"
		}
	}
	return strings.Join(parts, "/")
}
