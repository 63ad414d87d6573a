package workstation

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/server/workflow"
)

// Session is what the workstation needs of the referent's logged-in
// session; Adapt gives it for a *client.ReferentSession.
type Session interface {
	Inbox(ctx context.Context) ([]api.CaseStatus, error)
	Open(ctx context.Context, lookupID string) (Case, error)
}

// Case is one opened case.
type Case interface {
	Case() api.CaseStatus
	Report() envelope.Report
	Messages(ctx context.Context) ([]client.Message, error)
	Reply(ctx context.Context, body string) (uint64, error)
	Identity() (*envelope.Identity, string)
	RequestIdentity(ctx context.Context, text string) error
	SetStatus(ctx context.Context, status, notice string) error
	Refresh(ctx context.Context) error
	Download(ctx context.Context, item envelope.EvidenceItem, w io.Writer) error
	MarkRead(ctx context.Context, seq uint64) error
}

// Adapt returns the Session of a referent's client session.
func Adapt(rs *client.ReferentSession) Session { return adapter{rs} }

type adapter struct{ rs *client.ReferentSession }

func (a adapter) Inbox(ctx context.Context) ([]api.CaseStatus, error) { return a.rs.Inbox(ctx) }
func (a adapter) Open(ctx context.Context, id string) (Case, error) {
	c, err := a.rs.Open(ctx, id)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Config is what the workstation serves.
type Config struct {
	Session Session
	// Referent names the logged-in referent in the pages.
	Referent string
	// Logger receives failures (never content). Nil discards.
	Logger *slog.Logger
	// Now is the clock for the days left. Nil means time.Now.
	Now func() time.Time
}

//go:embed templates
var templateFS embed.FS

// Workstation is the referent's local app.
type Workstation struct {
	cfg   Config
	token string
	base  string // "/s/TOKEN": the prefix of every page's address
	tmpl  *template.Template

	mu    sync.Mutex
	cases map[string]Case // opened cases, by lookup id
}

// New returns a Workstation with a fresh token.
func New(cfg Config) (*Workstation, error) {
	if cfg.Session == nil {
		return nil, errors.New("workstation: Config.Session is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	token := newToken()
	base := "/s/" + token
	t, err := template.New("").Funcs(template.FuncMap{
		"short": short,
		"u":     func(p string) string { return base + p }, // a page's address
	}).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &Workstation{cfg: cfg, token: token, base: base, tmpl: t, cases: map[string]Case{}}, nil
}

// Listen opens a random port on 127.0.0.1 (never another interface) and
// returns the listener and the URL to open in the referent's browser,
// which holds the token.
func (ws *Workstation) Listen() (net.Listener, string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	return ln, "http://" + ln.Addr().String() + ws.base + "/", nil
}

// Handler is the app behind the guard, for the address ln listens on.
func (ws *Workstation) Handler(addr string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", ws.inbox)
	mux.HandleFunc("GET /case/{id}", ws.showCase)
	mux.HandleFunc("POST /case/{id}/reply", ws.reply)
	mux.HandleFunc("POST /case/{id}/identity-request", ws.identityRequest)
	mux.HandleFunc("POST /case/{id}/status", ws.setStatus)
	mux.HandleFunc("GET /case/{id}/file/{file}", ws.download)
	mux.HandleFunc("GET /style.css", ws.style)
	return &guard{host: addr, base: ws.base, next: mux}
}

// Serve serves on ln until ctx ends.
func (ws *Workstation) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{Handler: ws.Handler(ln.Addr().String()), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	err := hs.Serve(ln)
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// inboxRow is one case in the inbox.
type inboxRow struct {
	ID, Route, Status, Received string
	Category                    string
	AckLeft, FeedbackLeft       string
	Overdue                     []string
	Unread                      uint64 // messages after the last one a referent read
	Err                         string
}

func (ws *Workstation) inbox(w http.ResponseWriter, r *http.Request) {
	cases, err := ws.cfg.Session.Inbox(r.Context())
	if err != nil {
		ws.fail(w, err)
		return
	}
	today := ws.cfg.Now()
	// The search runs here, on the decrypted reports: the server never
	// sees what a referent looks for.
	q := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("q")))
	rows := make([]inboxRow, 0, len(cases))
	for _, cs := range cases {
		row := inboxRow{ID: cs.LookupID, Route: cs.Route, Status: cs.Status, Received: cs.Received, Overdue: cs.Overdue,
			AckLeft: daysLeft(today, cs.Deadlines.AckDue), FeedbackLeft: daysLeft(today, cs.Deadlines.FeedbackDue)}
		if cs.Messages > cs.ReadByReferents {
			row.Unread = cs.Messages - cs.ReadByReferents
		}
		c, err := ws.open(r.Context(), cs.LookupID)
		if err != nil {
			row.Err = "illisible"
		} else {
			row.Category = envelope.CategoryLabel(c.Report().Category, "fr")
		}
		if q != "" && (c == nil || !matches(c.Report(), row.Category, q)) {
			continue
		}
		rows = append(rows, row)
	}
	// Overdue cases first, then the oldest.
	slices.SortStableFunc(rows, func(a, b inboxRow) int {
		if (len(a.Overdue) > 0) != (len(b.Overdue) > 0) {
			if len(a.Overdue) > 0 {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Received, b.Received)
	})
	ws.render(w, "inbox.html", map[string]any{"Referent": ws.cfg.Referent, "Rows": rows, "Query": r.URL.Query().Get("q")})
}

// matches: the report's texts or category contain q (lower case).
func matches(rep envelope.Report, category, q string) bool {
	for _, f := range []string{category, rep.Facts, rep.When, rep.Where, rep.PersonsInvolved, rep.Witnesses, rep.Wishes.Other} {
		if strings.Contains(strings.ToLower(f), q) {
			return true
		}
	}
	return false
}

// open returns the case, opened once per run of the app.
func (ws *Workstation) open(ctx context.Context, id string) (Case, error) {
	ws.mu.Lock()
	c, ok := ws.cases[id]
	ws.mu.Unlock()
	if ok {
		return c, nil
	}
	c, err := ws.cfg.Session.Open(ctx, id)
	if err != nil {
		return nil, err
	}
	ws.mu.Lock()
	ws.cases[id] = c
	ws.mu.Unlock()
	return c, nil
}

func (ws *Workstation) showCase(w http.ResponseWriter, r *http.Request) {
	c, err := ws.open(r.Context(), r.PathValue("id"))
	if err != nil {
		ws.fail(w, err)
		return
	}
	if err := c.Refresh(r.Context()); err != nil {
		ws.fail(w, err)
		return
	}
	msgs, err := c.Messages(r.Context())
	if err != nil {
		ws.fail(w, err)
		return
	}
	// Showing the conversation is reading it: the read receipt goes with it.
	if n := len(msgs); n > 0 && msgs[n-1].Seq > c.Case().ReadByReferents {
		if err := c.MarkRead(r.Context(), msgs[n-1].Seq); err != nil {
			ws.cfg.Logger.Error("workstation: read receipt", "error", err)
		}
	}
	rep := c.Report()
	id, idState := c.Identity()
	ws.render(w, "case.html", map[string]any{
		"Referent": ws.cfg.Referent, "Status": c.Case(), "Report": rep,
		"Category": envelope.CategoryLabel(rep.Category, "fr"), "Messages": msgs,
		"Done": r.URL.Query().Get("done"), "Identity": id, "IdentityState": idState,
		"Next": nextStatuses(c.Case().Status), "Files": client.EvidenceItems(msgs),
	})
}

// maxReply bounds a reply typed in the form.
const maxReply = 64 << 10

func (ws *Workstation) reply(w http.ResponseWriter, r *http.Request) {
	body, ok := formText(w, r, "body")
	if !ok {
		return
	}
	if strings.TrimSpace(body) == "" {
		refuse(w, http.StatusBadRequest, "write a reply")
		return
	}
	c, err := ws.open(r.Context(), r.PathValue("id"))
	if err != nil {
		ws.fail(w, err)
		return
	}
	if _, err := c.Reply(r.Context(), body); err != nil {
		ws.fail(w, err)
		return
	}
	http.Redirect(w, r, ws.base+"/case/"+r.PathValue("id")+"?done=sent", http.StatusSeeOther)
}

// maxInMemory is the largest file the app decrypts to hand to the
// browser: it is checked whole before a byte is sent, so it is held in
// memory; larger files go through lanterne referent export.
const maxInMemory = 256 << 20

// download hands the browser a file of the case, decrypted and checked
// against its announcement, as an attachment: never rendered, whatever its
// type claims.
func (ws *Workstation) download(w http.ResponseWriter, r *http.Request) {
	c, err := ws.open(r.Context(), r.PathValue("id"))
	if err != nil {
		ws.fail(w, err)
		return
	}
	msgs, err := c.Messages(r.Context())
	if err != nil {
		ws.fail(w, err)
		return
	}
	for _, it := range client.EvidenceItems(msgs) {
		if it.FileID != r.PathValue("file") {
			continue
		}
		if it.Size > maxInMemory {
			refuse(w, http.StatusRequestEntityTooLarge, "this file is larger than 256 MiB: use lanterne referent export")
			return
		}
		var b bytes.Buffer
		if err := c.Download(r.Context(), it, &b); err != nil {
			ws.fail(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": it.Name}))
		w.Write(b.Bytes())
		return
	}
	refuse(w, http.StatusNotFound, "no such file in this case")
}

// formText reads a POSTed form's field, at most maxReply bytes.
func formText(w http.ResponseWriter, r *http.Request, field string) (string, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, maxReply+4<<10)
	if err := r.ParseForm(); err != nil {
		refuse(w, http.StatusRequestEntityTooLarge, "the text is too long")
		return "", false
	}
	v := r.PostForm.Get(field)
	if len(v) > maxReply {
		refuse(w, http.StatusBadRequest, "the text is longer than 64 KiB")
		return "", false
	}
	return v, true
}

func (ws *Workstation) identityRequest(w http.ResponseWriter, r *http.Request) {
	text, ok := formText(w, r, "text")
	if !ok {
		return
	}
	c, err := ws.open(r.Context(), r.PathValue("id"))
	if err != nil {
		ws.fail(w, err)
		return
	}
	if err := c.RequestIdentity(r.Context(), text); err != nil {
		ws.fail(w, err)
		return
	}
	http.Redirect(w, r, ws.base+"/case/"+r.PathValue("id")+"?done=requested", http.StatusSeeOther)
}

// statuses are the workflow's statuses, in the order a case goes.
var statuses = []workflow.Status{workflow.Acknowledged, workflow.InAnalysis, workflow.Oriented, workflow.Closed}

// nextStatuses are the statuses a case may move to from cur
// (workflow.Status.CanMove, the server's own rule).
func nextStatuses(cur string) []string {
	var out []string
	for _, s := range statuses {
		if workflow.Status(cur).CanMove(s) == nil {
			out = append(out, string(s))
		}
	}
	return out
}

func (ws *Workstation) setStatus(w http.ResponseWriter, r *http.Request) {
	notice, ok := formText(w, r, "notice")
	if !ok {
		return
	}
	to := r.PostForm.Get("to")
	c, err := ws.open(r.Context(), r.PathValue("id"))
	if err != nil {
		ws.fail(w, err)
		return
	}
	if !slices.Contains(nextStatuses(c.Case().Status), to) {
		refuse(w, http.StatusBadRequest, "not a next status of this case")
		return
	}
	if err := c.SetStatus(r.Context(), to, notice); err != nil {
		ws.fail(w, err)
		return
	}
	http.Redirect(w, r, ws.base+"/case/"+r.PathValue("id")+"?done=status", http.StatusSeeOther)
}

func (ws *Workstation) render(w http.ResponseWriter, name string, data any) {
	var b strings.Builder
	if err := ws.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		ws.cfg.Logger.Error("workstation: rendering", "page", name, "error", err)
		refuse(w, http.StatusInternalServerError, "rendering failed")
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(b.String()))
}

// fail answers an error of the server or of decryption, without its
// details in the page (they may name ids) beyond its kind.
func (ws *Workstation) fail(w http.ResponseWriter, err error) {
	var ae *client.APIError
	switch {
	case errors.As(err, &ae) && ae.Status == http.StatusNotFound:
		refuse(w, http.StatusNotFound, "no such case")
	default:
		ws.cfg.Logger.Error("workstation: request failed", "error", err)
		refuse(w, http.StatusBadGateway, "the server or the decryption failed; see the terminal")
	}
}

func (ws *Workstation) style(w http.ResponseWriter, r *http.Request) {
	b, _ := templateFS.ReadFile("templates/style.css")
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Write(b)
}

// daysLeft says how many days remain before a due day ("2026-12-10"),
// negative when past; "" without a day.
func daysLeft(now time.Time, due string) string {
	d, err := time.ParseInLocation("2006-01-02", due, now.Location())
	if err != nil {
		return ""
	}
	y, m, dd := now.Date()
	today := time.Date(y, m, dd, 0, 0, 0, 0, now.Location())
	return fmt.Sprint(int(d.Sub(today).Hours() / 24))
}

// short is the first 8 characters of a lookup id, for people.
func short(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}
