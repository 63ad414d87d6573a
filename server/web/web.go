package web

import (
	"bytes"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"github.com/lanterne/lanterne/crypto/directory"
)

// Config is what the reporter's pages need to know of the installation.
type Config struct {
	// QuickExitURL is where "Quitter rapidement" leads: a neutral page
	// that does not reveal what the reporter was doing. Empty means the
	// French weather service's home page.
	QuickExitURL string
	// Orgs holds each organisation's own settings (ParseSettings); an
	// organisation without any gets the national help contacts only.
	Orgs map[string]OrgSettings
	// Logger receives template failures (the page's name and the error,
	// nothing of the request). Nil discards.
	Logger *slog.Logger
}

// Handler serves the reporter's pages. It is safe for concurrent use.
type Handler struct {
	cfg    Config
	assets assets
	pages  map[string]*page // by route key ("home", "report", …)
}

// New parses the embedded templates and returns the Handler.
func New(cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.QuickExitURL == "" {
		cfg.QuickExitURL = "https://meteofrance.com/"
	}
	if err := checkExitURL(cfg.QuickExitURL); err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	for org, s := range cfg.Orgs {
		if err := s.check(); err != nil {
			return nil, fmt.Errorf("web: settings of %s: %w", org, err)
		}
	}
	as, err := embeddedAssets()
	if err != nil {
		return nil, err
	}
	h := &Handler{cfg: cfg, assets: as}
	if h.pages, err = loadPages(as); err != nil {
		return nil, err
	}
	return h, nil
}

// orgPages are the pages under /o/{org}/, by their last path element
// ("" is the home page). The paths are French, like the service.
var orgPages = map[string]string{
	"":              "home",
	"signaler":      "report",
	"suivi":         "followup",
	"invitation":    "invitation",
	"comprendre":    "definitions",
	"aide":          "help",
	"accessibilite": "accessibility",
}

// ServeHTTP answers GET and HEAD of "/", "/accessibilite", "/o/{org}/…"
// and "/static/…"; anything else is 404 or 405.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeText(w, http.StatusMethodNotAllowed, "405 method not allowed")
		return
	}
	p := r.URL.Path
	switch {
	case strings.HasPrefix(p, "/static/"):
		h.assets.serve(w, r, strings.TrimPrefix(p, "/static/"))
	case p == "/":
		h.render(w, r, "orgs", "", "/")
	case p == "/accessibilite":
		h.render(w, r, "accessibility", "", p)
	case strings.HasPrefix(p, "/o/"):
		org, rest, ok := strings.Cut(strings.TrimPrefix(p, "/o/"), "/")
		if !ok {
			if directory.ValidOrgID(org) {
				http.Redirect(w, r, "/o/"+org+"/", http.StatusMovedPermanently)
				return
			}
			notFound(w)
			return
		}
		name, known := orgPages[rest]
		if !known || !directory.ValidOrgID(org) {
			notFound(w)
			return
		}
		h.render(w, r, name, org, p)
	default:
		notFound(w)
	}
}

// render writes page name in the request's language.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, name, org, path string) {
	lang := langOf(r)
	pg := h.pages[name]
	var b bytes.Buffer
	if err := pg.execute(&b, h.data(pg, lang, org, path)); err != nil {
		h.cfg.Logger.Error("web: rendering a page failed", "page", name, "lang", lang, "error", err)
		writeText(w, http.StatusInternalServerError, "500 internal error")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", lang)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(b.Bytes())
}

// langOf is the page language: ?lang=en gives English, anything else
// French. Links between pages carry the choice.
func langOf(r *http.Request) string {
	if r.URL.Query().Get("lang") == "en" {
		return "en"
	}
	return "fr"
}

func notFound(w http.ResponseWriter) { writeText(w, http.StatusNotFound, "404 page not found") }

func writeText(w http.ResponseWriter, status int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	w.Write([]byte(text + "\n"))
}

func itoa(n int) string { return strconv.Itoa(n) }
