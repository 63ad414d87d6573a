package workstation

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
)

// headers are set on every answer, refusals included.
func setHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

// newToken returns 32 random bytes, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// guard wraps next with the package's promises (doc.go): host, token and
// origin checks. The token is the first element of every path
// (/s/TOKEN/…): a capability URL, not a cookie, because browsers send a
// cookie for 127.0.0.1 to every port, that is to any other local server.
type guard struct {
	host string // "127.0.0.1:PORT", the only Host answered
	base string // "/s/TOKEN"
	next http.Handler
}

func (g *guard) origin() string { return "http://" + g.host }

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setHeaders(w.Header())
	if r.Host != g.host {
		refuse(w, http.StatusForbidden, "wrong host")
		return
	}
	p := r.URL.Path
	if len(p) < len(g.base)+1 || !equal(p[:len(g.base)], g.base) || p[len(g.base)] != '/' {
		refuse(w, http.StatusForbidden, "no session: open the address the command printed")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !g.sameOrigin(r) {
		refuse(w, http.StatusForbidden, "cross-origin request")
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = p[len(g.base):]
	r2.URL.RawPath = ""
	g.next.ServeHTTP(w, r2)
}

// sameOrigin: the request comes from one of this app's own pages.
func (g *guard) sameOrigin(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" {
		return o == g.origin()
	}
	return r.Header.Get("Sec-Fetch-Site") == "same-origin"
}

func equal(a, b string) bool {
	return len(a) == len(b) && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func refuse(w http.ResponseWriter, status int, why string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(strings.TrimSpace(http.StatusText(status)+": "+why) + "\n"))
}
