package workstation

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
)

// cookieName is the session cookie, scoped to the listening address.
const cookieName = "lanterne_ws"

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
// origin checks.
type guard struct {
	host  string // "127.0.0.1:PORT", the only Host answered
	token string
	next  http.Handler
}

func (g *guard) origin() string { return "http://" + g.host }

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	setHeaders(w.Header())
	if r.Host != g.host {
		refuse(w, http.StatusForbidden, "wrong host")
		return
	}
	// The first URL: its token becomes the session cookie, and the browser
	// is sent on without the token in its address bar or history.
	if r.URL.Path == "/open" {
		if r.Method != http.MethodGet || !equal(r.URL.Query().Get("token"), g.token) {
			refuse(w, http.StatusForbidden, "wrong token")
			return
		}
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: g.token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	c, err := r.Cookie(cookieName)
	if err != nil || !equal(c.Value, g.token) {
		refuse(w, http.StatusForbidden, "no session: open the address the command printed")
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead && !g.sameOrigin(r) {
		refuse(w, http.StatusForbidden, "cross-origin request")
		return
	}
	g.next.ServeHTTP(w, r)
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
