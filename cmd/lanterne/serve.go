package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/lanterne/lanterne/server"
	"github.com/lanterne/lanterne/server/notify"
	"github.com/lanterne/lanterne/server/web"
	"github.com/lanterne/lanterne/store"
)

const (
	storeFile         = "lanterne.db"
	operatorTokenFile = "operator-token"
)

func cmdServe(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "serve", "serve --data DIR --addr HOST:PORT [--tls-cert FILE --tls-key FILE]")
	data := fs.String("data", "lanterne-data", "data folder (the bbolt store and the operator token)")
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on")
	cert := fs.String("tls-cert", "", "TLS certificate file (PEM); serve HTTPS")
	key := fs.String("tls-key", "", "TLS private key file (PEM)")
	behindTLS := fs.Bool("behind-tls-proxy", false, "a reverse proxy terminates HTTPS in front of this server (adds HSTS)")
	webFile := fs.String("web-settings", "", `the reporter pages' per-organisation settings: a JSON file {"ORG-ID": {"help": [{"name": {"fr": "...", "en": "..."}, "phone": "...", "email": "...", "details": {...}, "where": {...}}], "quick_exit_url": "https://..."}}`)
	notifyFile := fs.String("notify", "", `referent email notifications: a JSON file {"ORG-ID": {"name": "...", "smtp": {host, port, username, password, from, to, starttls, digest}}}`)
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*cert == "") != (*key == "") {
		return usagef("--tls-cert and --tls-key go together")
	}
	notifier, orgs, err := loadNotifier(e, *notifyFile)
	if err != nil {
		return err
	}
	webOrgs, err := loadWebSettings(*webFile)
	if err != nil {
		return err
	}
	inst, err := openInstance(e, *data, *cert != "" || *behindTLS, notifier, webOrgs)
	if err != nil {
		return err
	}
	defer inst.store.Close()
	if notifier != nil {
		go notifier.Run(ctx)
		go inst.scanDeadlines(ctx, notifier, orgs)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	scheme := "http"
	if *cert != "" {
		scheme = "https"
	}
	fmt.Fprintf(e.stdout, "Lanterne is serving %s://%s/ (data in %s).\n", scheme, ln.Addr(), *data)
	fmt.Fprintf(e.stdout, "Operator token (to register organisations): %s\n", filepath.Join(*data, operatorTokenFile))
	return inst.serve(ctx, ln, *cert, *key)
}

// instance is a server with its store, as serve and demo run it.
type instance struct {
	store  *store.BoltStore
	server *server.Server
	token  string
	log    *slog.Logger
}

// loadWebSettings reads serve's --web-settings file ("" gives none).
func loadWebSettings(path string) (map[string]web.OrgSettings, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return web.ParseSettings(f)
}

func openInstance(e *env, data string, tls bool, notifier *notify.Notifier, webOrgs map[string]web.OrgSettings) (*instance, error) {
	if err := os.MkdirAll(data, 0o700); err != nil {
		return nil, err
	}
	token, err := operatorToken(data)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(filepath.Join(data, storeFile), store.Options{})
	if err != nil {
		return nil, err
	}
	// Logs go to stderr as JSON: route templates, statuses and durations,
	// never an address, a path with ids, or content.
	logger := slog.New(slog.NewJSONHandler(e.stderr, nil))
	pages, err := web.New(web.Config{Orgs: webOrgs, Logger: logger})
	if err != nil {
		st.Close()
		return nil, err
	}
	cfg := server.Config{Store: st, Logger: logger, OperatorToken: token, TLS: tls, Web: pages}
	if notifier != nil {
		cfg.Notify = notifier.Notify
	}
	srv, err := server.New(cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &instance{store: st, server: srv, token: token, log: logger}, nil
}

// operatorToken reads the data folder's operator token, making one on first
// start (32 random bytes, readable by the owner only).
func operatorToken(data string) (string, error) {
	path := filepath.Join(data, operatorTokenFile)
	if b, err := os.ReadFile(path); err == nil {
		return strings.TrimSpace(string(b)), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	b := make([]byte, 32)
	rand.Read(b)
	t := base64.RawURLEncoding.EncodeToString(b)
	return t, writeFileAtomic(path, []byte(t+"\n"), 0o600)
}

// serve runs until ctx ends, then shuts down gracefully.
func (in *instance) serve(ctx context.Context, ln net.Listener, cert, key string) error {
	hs := in.server.HTTPServer(ln.Addr().String())
	errc := make(chan error, 1)
	go func() {
		if cert != "" {
			errc <- hs.ServeTLS(ln, cert, key)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// notifyOrg is one organisation's entry in the --notify file.
type notifyOrg struct {
	Name string          `json:"name"`
	SMTP notify.Settings `json:"smtp"`
}

// loadNotifier reads the --notify file; no file means no notifications.
// The file holds SMTP credentials: it must not be readable by others.
func loadNotifier(e *env, path string) (*notify.Notifier, []string, error) {
	if path == "" {
		return nil, nil, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil, err
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return nil, nil, fmt.Errorf("%s holds SMTP credentials and is readable by others: chmod 600 it", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	var conf map[string]notifyOrg
	if err := json.Unmarshal(b, &conf); err != nil {
		return nil, nil, fmt.Errorf("%s: %v", path, err)
	}
	orgs := make([]string, 0, len(conf))
	for id := range conf {
		orgs = append(orgs, id)
	}
	n, err := notify.New(notify.Config{
		Orgs: func(org string) (notify.Org, bool) {
			c, ok := conf[org]
			return notify.Org{Name: c.Name, Settings: c.SMTP}, ok
		},
		Logger: slog.New(slog.NewJSONHandler(e.stderr, nil)),
	})
	return n, orgs, err
}

// scanDeadlines queues, at start and then once a day, the counts of cases
// whose legal deadlines are passed or due within three days.
func (in *instance) scanDeadlines(ctx context.Context, n *notify.Notifier, orgs []string) {
	for {
		for _, org := range orgs {
			events, err := in.server.DeadlineEvents(ctx, org, 3)
			if err != nil {
				in.log.Error("deadline scan failed", "org", org)
				continue
			}
			for _, ev := range events {
				n.Notify(org, ev)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(24 * time.Hour):
		}
	}
}
