package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gorilla/mux"
)

// The security headers of every response.
const (
	contentSecurityPolicy = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
	permissionsPolicy     = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
	strictTransport       = "max-age=63072000; includeSubDomains"
)

func (s *Server) setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", permissionsPolicy)
	if s.cfg.TLS {
		h.Set("Strict-Transport-Security", strictTransport)
	}
}

// recorder remembers a response's status.
type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// logInfo travels in the request context from the outer middleware to the
// router, which fills in the matched route's template.
type logInfo struct {
	route string
	err   string // redacted text of an internal error
}

type logKey struct{}

func infoOf(ctx context.Context) *logInfo {
	li, _ := ctx.Value(logKey{}).(*logInfo)
	if li == nil {
		return &logInfo{}
	}
	return li
}

// outer is the first handler of every request: security headers, panic
// recovery and the request log (route template, status, duration; never
// the path, the query, the address or any header).
func (s *Server) outer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		s.setSecurityHeaders(w.Header())
		li := &logInfo{route: "unmatched"}
		rec := &recorder{ResponseWriter: w}
		defer func() {
			v := recover()
			if v != nil && v != http.ErrAbortHandler {
				li.err = "panic"
				if rec.status == 0 {
					s.writeError(rec, r, errInternal)
					v = nil
				} else {
					v = http.ErrAbortHandler // too late for an error body: cut the connection
				}
			}
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			attrs := []slog.Attr{
				slog.String("route", li.route),
				slog.Int("status", status),
				slog.Duration("duration", time.Since(start)),
			}
			level := slog.LevelInfo
			if li.err != "" {
				level = slog.LevelError
				attrs = append(attrs, slog.String("error", li.err))
			}
			s.log.LogAttrs(context.Background(), level, "request", attrs...)
			if v == http.ErrAbortHandler {
				panic(v)
			}
		}()
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), logKey{}, li)))
	})
}

// routeName is router middleware: it records the matched route's template
// for the request log.
func routeName(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rt := mux.CurrentRoute(r); rt != nil {
			if tpl, err := rt.GetPathTemplate(); err == nil {
				infoOf(r.Context()).route = r.Method + " " + tpl
			}
		}
		next.ServeHTTP(w, r)
	})
}

// handler is a route's function: it writes a success itself, or returns
// the error to answer with.
type handler func(w http.ResponseWriter, r *http.Request) error

func (s *Server) h(fn handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// writeError answers with {"error": ...}. An error that is not an apiError
// is internal: the client gets a generic 500, the log a redacted text.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var ae *apiError
	if !errors.As(storeError(err, nil), &ae) {
		infoOf(r.Context()).err = redact(err)
		ae = errInternal.(*apiError)
	}
	if ae.status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="lanterne"`)
	}
	if ae.retryAfter > 0 {
		w.Header().Set("Retry-After", itoa(ae.retryAfter))
	}
	writeJSON(w, ae.status, struct {
		Error string `json:"error"`
	}{ae.msg})
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, errorf(http.StatusNotFound, "no such route"))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, errorf(http.StatusMethodNotAllowed, "method not allowed on this route"))
}
