package server

import (
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // French civil dates need Europe/Paris on any host

	"github.com/gorilla/mux"

	"github.com/lanterne/lanterne/server/notify"
	"github.com/lanterne/lanterne/server/workflow"
	"github.com/lanterne/lanterne/store"
)

// Config is what a Server needs. Store is required; every other field has
// a default.
type Config struct {
	// Store keeps everything; the Server is its only writer.
	Store store.Store
	// Logger receives one record per request (route template, status,
	// duration). Nil discards.
	Logger *slog.Logger
	// Now is the clock. Nil means time.Now.
	Now func() time.Time
	// Calendar tells working days for the legal deadlines.
	Calendar workflow.Calendar
	// Location is where civil dates are taken (the day a report is
	// received, the day a status changes). Nil means Europe/Paris.
	Location *time.Location
	// OperatorToken authenticates the operator's routes, POST
	// /api/v1/admin/orgs and GET /api/v1/admin/backup. Empty disables them
	// (404).
	OperatorToken string
	// TLS adds Strict-Transport-Security to every response: set it when
	// the server (or the proxy in front of it) serves HTTPS only.
	TLS bool
	// SessionTTL is how long a session token lasts; 0 means 30 minutes.
	SessionTTL time.Duration
	// ChallengeTTL is how long a referent's login nonce lasts; 0 means 2
	// minutes.
	ChallengeTTL time.Duration
	// Web, if not nil, serves every path outside /api/ (the reporter's
	// pages, "/" and "/o/{org}/"). The security headers apply to it too.
	Web http.Handler
	// Notify, if not nil, is told of each case submitted and each message
	// a reporter or presumed victim posted, after it was stored (org id
	// and a count only; see package notify). It must not block.
	Notify func(org string, e notify.Event)
}

// Server is Lanterne's HTTP API. It is safe for concurrent use. Its
// sessions, login challenges and failure counters live in memory.
type Server struct {
	cfg     Config
	store   store.Store
	log     *slog.Logger
	now     func() time.Time
	loc     *time.Location
	auth    *authState
	handler http.Handler

	mu   sync.Mutex           // guards orgs; serialises registration and publication
	orgs map[string]*orgState // cache of verified organisation state
}

// New checks cfg and returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: Config.Store is required")
	}
	s := &Server{cfg: cfg, store: cfg.Store, log: cfg.Logger, now: cfg.Now, loc: cfg.Location,
		auth: newAuthState(), orgs: map[string]*orgState{}}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.loc == nil {
		loc, err := time.LoadLocation("Europe/Paris")
		if err != nil {
			return nil, err
		}
		s.loc = loc
	}
	if s.cfg.SessionTTL <= 0 {
		s.cfg.SessionTTL = 30 * time.Minute
	}
	if s.cfg.ChallengeTTL <= 0 {
		s.cfg.ChallengeTTL = 2 * time.Minute
	}
	s.handler = s.outer(s.routes())
	return s, nil
}

// Handler returns the server's http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// HTTPServer returns an http.Server for addr with the Server's handler,
// timeouts suited to chunked uploads and long downloads, and net/http's own
// error log discarded: it would otherwise print client addresses (failed
// TLS handshakes, malformed requests).
func (s *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
}

// today is the civil date of now where the server runs.
func (s *Server) today() workflow.Date { return workflow.DateOf(s.now().In(s.loc)) }

// routes is the API's router. The Web handler, if any, gets every path
// outside /api/ (gorilla/mux loses 405 answers in subrouters and behind
// catch-all routes, so the split is made here rather than in the router).
func (s *Server) routes() http.Handler {
	a := mux.NewRouter()
	a.Use(routeName)
	a.NotFoundHandler = http.HandlerFunc(s.notFound)
	a.MethodNotAllowedHandler = http.HandlerFunc(s.methodNotAllowed)

	route := func(method, path string, fn handler) { a.Handle("/api/v1"+path, s.h(fn)).Methods(method) }

	// Organisations and directories.
	route(http.MethodPost, "/admin/orgs", s.registerOrg)
	route(http.MethodGet, "/admin/backup", s.backup)
	route(http.MethodGet, "/orgs", s.listOrgs)
	route(http.MethodGet, "/orgs/{org}/directory", s.getDirectory)
	route(http.MethodPut, "/orgs/{org}/directory", s.putDirectory)

	// Reporters (and presumed victims in their own thread).
	route(http.MethodPost, "/orgs/{org}/cases", s.submit)
	route(http.MethodPost, "/orgs/{org}/cases/{id}/session", s.reporterLogin)
	route(http.MethodGet, "/orgs/{org}/cases/{id}", s.reporterStatus)
	route(http.MethodGet, "/orgs/{org}/cases/{id}/file", s.reporterFile)
	route(http.MethodGet, "/orgs/{org}/cases/{id}/messages", s.reporterMessages)
	route(http.MethodPost, "/orgs/{org}/cases/{id}/messages", s.reporterPost)
	route(http.MethodPost, "/orgs/{org}/cases/{id}/read", s.reporterRead)
	route(http.MethodPut, "/orgs/{org}/cases/{id}/identity-release", s.identityRelease)
	route(http.MethodPost, "/orgs/{org}/cases/{id}/files", s.declareFile)
	route(http.MethodPut, "/orgs/{org}/cases/{id}/files/{file}/chunks/{n}", s.putChunk)
	route(http.MethodPost, "/orgs/{org}/cases/{id}/files/{file}/complete", s.completeFile)
	route(http.MethodPost, "/orgs/{org}/cases/{id}/invitation", s.createInvitation)

	// Witness invitations, as the presumed victim sees them.
	route(http.MethodPost, "/orgs/{org}/invitations/{inv}", s.readInvitationWithSecret)
	route(http.MethodPost, "/orgs/{org}/invitations/{inv}/session", s.invitationLogin)
	route(http.MethodGet, "/orgs/{org}/invitations/{inv}", s.readInvitation)

	// Referents.
	route(http.MethodPost, "/orgs/{org}/referent/challenge", s.referentChallenge)
	route(http.MethodPost, "/orgs/{org}/referent/session", s.referentLogin)
	route(http.MethodGet, "/orgs/{org}/referent/cases", s.inbox)
	route(http.MethodGet, "/orgs/{org}/referent/cases/{id}", s.referentFile)
	route(http.MethodGet, "/orgs/{org}/referent/cases/{id}/messages", s.referentMessages)
	route(http.MethodPost, "/orgs/{org}/referent/cases/{id}/messages", s.referentPost)
	route(http.MethodPost, "/orgs/{org}/referent/cases/{id}/read", s.referentRead)
	route(http.MethodGet, "/orgs/{org}/referent/cases/{id}/notes", s.referentNotes)
	route(http.MethodPost, "/orgs/{org}/referent/cases/{id}/notes", s.referentPostNote)
	route(http.MethodPost, "/orgs/{org}/referent/cases/{id}/status", s.setStatus)
	route(http.MethodPost, "/orgs/{org}/referent/cases/{id}/identity-request", s.identityRequest)
	route(http.MethodPost, "/orgs/{org}/referent/cases/{id}/wraps", s.addWraps)
	route(http.MethodGet, "/orgs/{org}/referent/cases/{id}/files/{file}", s.downloadFile)
	route(http.MethodGet, "/orgs/{org}/referent/cases/{id}/access", s.accessLog)

	web := s.cfg.Web
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if web == nil || r.URL.Path == "/api" || strings.HasPrefix(r.URL.Path, "/api/") {
			a.ServeHTTP(w, r)
			return
		}
		infoOf(r.Context()).route = r.Method + " web"
		web.ServeHTTP(w, r)
	})
}
