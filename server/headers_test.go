package server

import (
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"

	"github.com/lanterne/lanterne/server/api"
)

var wantHeaders = map[string]string{
	"Content-Security-Policy":      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
	"Cache-Control":                "no-store",
	"Referrer-Policy":              "no-referrer",
	"X-Content-Type-Options":       "nosniff",
	"X-Frame-Options":              "DENY",
	"Cross-Origin-Opener-Policy":   "same-origin",
	"Cross-Origin-Resource-Policy": "same-origin",
	"Permissions-Policy":           "camera=(), microphone=(), geolocation=(), interest-cohort=()",
	"Strict-Transport-Security":    "max-age=63072000; includeSubDomains",
}

func TestSecurityHeaders(t *testing.T) {
	web := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/panic" {
			panic("secret detail 0123456789abcdef0123")
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte("<!doctype html><title>Lanterne</title>"))
	})
	e := newEnv(t, func(c *Config) { c.Web = web })
	e.newOrg("ville-a")
	tests := []struct {
		name   string
		r      req
		status int
	}{
		{"success", req{method: "GET", path: "/api/v1/orgs"}, 200},
		{"error", req{method: "POST", path: "/api/v1/orgs/ville-a/cases", body: []byte("{")}, 400},
		{"unknown API route", req{method: "GET", path: "/api/v1/nothing"}, 404},
		{"unknown API version", req{method: "GET", path: "/api/v2/orgs"}, 404},
		{"wrong method", req{method: "PATCH", path: "/api/v1/orgs"}, 405},
		{"unauthenticated", req{method: "GET", path: "/api/v1/orgs/ville-a/referent/cases"}, 401},
		{"web page", req{method: "GET", path: "/o/ville-a/"}, 200},
		{"panic", req{method: "GET", path: "/panic"}, 500},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := e.do(tc.r)
			if r.status != tc.status {
				t.Errorf("status %d, want %d", r.status, tc.status)
			}
			for k, v := range wantHeaders {
				if got := r.header.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if (strings.HasPrefix(tc.r.path, "/api/") || tc.name == "panic") && r.status >= 400 {
				if msg := r.errorText(t); strings.Contains(msg, "secret") {
					t.Errorf("error text leaks: %q", msg)
				}
			}
		})
	}

	if logs := e.logs.String(); strings.Contains(logs, "secret detail") || !strings.Contains(logs, `"error":"panic"`) {
		t.Errorf("panic log: %s", logs)
	}

	plain := newEnv(t, func(c *Config) { c.TLS = false })
	if r := plain.do(req{method: "GET", path: "/api/v1/orgs"}); r.header.Get("Strict-Transport-Security") != "" || r.header.Get("X-Frame-Options") != "DENY" {
		t.Errorf("without TLS: HSTS %q", r.header.Get("Strict-Transport-Security"))
	}
	if r := plain.do(req{method: "GET", path: "/"}); r.status != 404 {
		t.Errorf("no web handler: / answers %d", r.status)
	} else {
		r.errorText(t)
	}
}

// The log holds route templates, statuses and durations: no lookup id, no
// token, no secret, no address, no organisation.
func TestLogsCarryNoIdentifiers(t *testing.T) {
	e := newEnv(t)
	o := e.newOrg("ville-secrete")
	rp := e.newReporter(o, caseSpec{})
	e.submit(rp)
	e.must(req{method: "POST", path: rp.path("/messages"), token: rp.token, body: api.PostEntry{Ciphertext: rp.nc.Report}}, http.StatusCreated, nil)
	e.do(req{method: "POST", path: rp.path("/session"), body: api.SessionRequest{AuthSecret: randomBytes(32)}})
	e.do(req{method: "GET", path: o.path("/cases/" + hex.EncodeToString(randomBytes(16))), token: "forged-token-value"})
	alice := e.login(o, "alice")
	e.must(req{method: "GET", path: refPath(o, rp.lookup, ""), token: alice}, http.StatusOK, nil)
	e.do(req{method: "GET", path: refPath(o, rp.lookup, "") + "?after=" + rp.lookup, token: alice})

	logs := e.logs.String()
	if !strings.Contains(logs, `"route":"POST /api/v1/orgs/{org}/cases"`) || !strings.Contains(logs, `"route":"GET /api/v1/orgs/{org}/referent/cases/{id}"`) || !strings.Contains(logs, `"status":401`) {
		t.Errorf("the log lacks route templates or statuses:\n%s", logs)
	}
	forbidden := map[string]string{
		"lookup id":          rp.lookup,
		"reporter token":     rp.token,
		"referent token":     alice,
		"forged token":       "forged-token-value",
		"auth secret (b64)":  base64.StdEncoding.EncodeToString(rp.secret),
		"auth secret (hex)":  hex.EncodeToString(rp.secret),
		"address":            "127.0.0.1",
		"organisation":       o.id,
		"operator token":     operatorToken,
		"reporter recipient": rp.nc.ReporterRecipient[:20],
		"user agent":         "Go-http-client",
	}
	for what, s := range forbidden {
		if strings.Contains(logs, s) {
			t.Errorf("the log contains the %s", what)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		for _, key := range []string{`"route":`, `"status":`, `"duration":`} {
			if !strings.Contains(line, key) {
				t.Errorf("log line without %s: %s", key, line)
			}
		}
	}
}
