package client

import (
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// FuzzParseRotation: the staff-key announcement parser (note bodies) never
// panics, and what it accepts names a positive generation and a non-empty recipient that
// rebuild the body up to the spelling of the number.
func FuzzParseRotation(f *testing.F) {
	for _, s := range []string{"key-rotation:2:age1pq1abc", "key-rotation:0:x", "key-rotation:02:x", "key-rotation::", "text", "key-rotation:4294967295:a:b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		g, rcpt, ok := parseRotation(body)
		if !ok {
			if g != 0 || rcpt != "" {
				t.Fatalf("refused %q but returned %d, %q", body, g, rcpt)
			}
			return
		}
		if g == 0 || rcpt == "" {
			t.Fatalf("accepted %q as generation %d, recipient %q", body, g, rcpt)
		}
		num := strings.TrimPrefix(strings.TrimSuffix(body, ":"+rcpt), staffRotationPrefix)
		if n, err := strconv.ParseUint(num, 10, 32); err != nil || uint32(n) != g {
			t.Fatalf("accepted %q: number %q does not give %d", body, num, g)
		}
	})
}

// FuzzAPIError: any error body from a server gives an *APIError with the
// status, a message of bounded size, and no panic.
func FuzzAPIError(f *testing.F) {
	f.Add(500, []byte(`{"error":"boom"}`))
	f.Add(404, []byte(`not json`))
	f.Add(400, []byte(`{"error":""}`))
	f.Add(418, []byte(`{"error":"a","error":"b"}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		resp := &http.Response{StatusCode: status, Body: io.NopCloser(bytes.NewReader(body))}
		e := decodeAPIError(resp)
		if e.Status != status || len(e.Message) > maxErrorBody {
			t.Fatalf("status %d, message of %d bytes", e.Status, len(e.Message))
		}
		if e.Message == "" && http.StatusText(status) != "" {
			t.Fatal("empty message for a known status")
		}
	})
}
