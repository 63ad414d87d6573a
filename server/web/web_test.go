package web

import (
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
)

func newHandler(t *testing.T) *Handler {
	t.Helper()
	h, err := New(Config{Logger: slog.New(slog.NewTextHandler(t.Output(), nil))})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// pagePaths are every page, in both languages.
func pagePaths() []string {
	var out []string
	for _, q := range []string{"", "?lang=en"} {
		out = append(out, "/"+q, "/accessibilite"+q)
		for p := range orgPages {
			out = append(out, "/o/ville-a/"+p+q)
		}
	}
	sort.Strings(out)
	return out
}

var (
	inlineScript = regexp.MustCompile(`<script(?:\s[^>]*)?>\s*[^<\s]`)
	inlineStyle  = regexp.MustCompile(`(?i)<style|\sstyle=|\son[a-z]+=`)
	scriptTag    = regexp.MustCompile(`<script[^>]*>`)
	// foreignResource: a src, a <link href>, a srcset, an action or a CSS
	// url() that names another origin (or any http: address).
	foreignResource = regexp.MustCompile(`(?i)\ssrc="(?:https?:)?//|<link[^>]*href="(?:https?:)?//|srcset="[^"]*//|action="(?:https?:)?//|url\((?:'|")?(?:https?:)?//|http://`)
)

func TestEveryPageRenders(t *testing.T) {
	h := newHandler(t)
	for _, p := range pagePaths() {
		t.Run(p, func(t *testing.T) {
			w := get(t, h, p)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body.String())
			}
			body := w.Body.String()
			lang := "fr"
			if strings.Contains(p, "lang=en") {
				lang = "en"
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("page is not marked lang=%s", lang)
			}
			if got := w.Header().Get("Content-Language"); got != lang {
				t.Errorf("Content-Language %q, want %q", got, lang)
			}
			// Scripts only from files (the CSP forbids inline code),
			// except the strings table, which is JSON data.
			for _, tag := range scriptTag.FindAllString(body, -1) {
				if !strings.Contains(tag, ` src="/static/`) && tag != `<script type="application/json" id="strings">` {
					t.Errorf("inline or foreign script: %s", tag)
				}
			}
			if m := inlineStyle.FindString(body); m != "" {
				t.Errorf("inline style or handler: %q", m)
			}
			// Nothing is loaded from another origin: links a person
			// follows (<a href>) may lead elsewhere, resources may not.
			if m := foreignResource.FindString(body); m != "" {
				t.Errorf("page loads a resource from another origin: %s", m)
			}
			if !strings.Contains(body, `id="quick-exit"`) {
				t.Errorf("no quick exit")
			}
			if !strings.Contains(body, `href="`+switchOf(p)+`"`) {
				t.Errorf("no link to the page in the other language (%s)", switchOf(p))
			}
		})
	}
}

func switchOf(p string) string {
	path, q, _ := strings.Cut(p, "?")
	if q == "lang=en" {
		return path + "?lang=fr"
	}
	return path + "?lang=en"
}

func TestStringsAgree(t *testing.T) {
	fr, err := loadStrings("fr")
	if err != nil {
		t.Fatal(err)
	}
	en, err := loadStrings("en")
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range fr {
		if strings.TrimSpace(v) == "" {
			t.Errorf("fr %q is empty", k)
		}
		if e, ok := en[k]; !ok || strings.TrimSpace(e) == "" {
			t.Errorf("en lacks %q", k)
		}
	}
	for k := range en {
		if _, ok := fr[k]; !ok {
			t.Errorf("fr lacks %q", k)
		}
	}
	// Every string the scripts ask for exists.
	use := regexp.MustCompile(`\bt\("([a-z0-9_.]+)"`)
	for name, a := range newHandler(t).assets {
		if !strings.HasSuffix(name, ".js") || name == "wasm_exec.js" {
			continue
		}
		for _, m := range use.FindAllStringSubmatch(string(a.body), -1) {
			if strings.HasSuffix(m[1], ".") {
				continue // a prefix completed at run time ("status." + name)
			}
			if _, ok := fr["js."+m[1]]; !ok {
				t.Errorf("%s uses string %q, missing from i18n (as js.%s)", name, m[1], m[1])
			}
		}
	}
}

func TestUnknownPaths(t *testing.T) {
	h := newHandler(t)
	for _, p := range []string{"/o/", "/o/Ville/", "/o/ville-a/nothing", "/static/nothing.js", "/o/ville-a/../x", "/x"} {
		if w := get(t, h, p); w.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, w.Code)
		}
	}
	if w := get(t, h, "/o/ville-a"); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/o/ville-a/" {
		t.Errorf("GET /o/ville-a: %d %q, want a redirect to /o/ville-a/", w.Code, w.Header().Get("Location"))
	}
	r := httptest.NewRequest(http.MethodPost, "/o/ville-a/", strings.NewReader("x"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", w.Code)
	}
}

func TestAssets(t *testing.T) {
	h := newHandler(t)
	wasm := h.assets["lanterne.wasm"]
	w := get(t, h, h.assets.url("lanterne.wasm"), "Accept-Encoding", "gzip, br")
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/wasm" || w.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("wasm: %d %q %q", w.Code, w.Header().Get("Content-Type"), w.Header().Get("Content-Encoding"))
	}
	if !strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("versioned asset not cacheable: %q", w.Header().Get("Cache-Control"))
	}
	zr, err := gzip.NewReader(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(zr)
	if string(b) != string(wasm.body) {
		t.Errorf("gzip body differs from the asset")
	}
	// Without gzip, and with an old version: plain and not cached for ever.
	w = get(t, h, "/static/lanterne.wasm?v=old")
	if w.Header().Get("Content-Encoding") != "" || w.Body.Len() != len(wasm.body) || strings.Contains(w.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("plain asset: encoding %q, %d bytes, cache %q", w.Header().Get("Content-Encoding"), w.Body.Len(), w.Header().Get("Cache-Control"))
	}
}
