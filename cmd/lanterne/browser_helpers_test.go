package main

// Shared machinery of the browser tests (browser_test.go): the real binary
// with an organisation, headless Chromium driven by chromedp, axe-core, and
// a capturing reverse proxy in front of the server.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/referentkey"
)

const (
	chromiumPath = "/usr/bin/chromium"
	// axeFile is axe-core as tools/browser/package-lock.json pins it,
	// relative to this package's directory (where go test runs).
	axeFile      = "../../tools/browser/node_modules/axe-core/axe.min.js"
	browserNeeds = "browser tests need /usr/bin/chromium (apt-get install chromium) and axe-core (npm install --prefix tools/browser)"

	// stepTimeout bounds one step of a page: Argon2id in WebAssembly
	// takes a few seconds on this machine, so be generous.
	stepTimeout = 60 * time.Second
	// desktop is the viewport of every test but the reflow check.
	desktopW, desktopH = 1280, 900
	// narrowW is WCAG 1.4.10's reflow width.
	narrowW, narrowH = 360, 800
)

// needBrowser skips the test (fails it when CI=true) unless Chromium and
// axe-core are installed, and skips it under -short. It returns axe-core's
// source.
func needBrowser(t testing.TB) string {
	t.Helper()
	if testing.Short() {
		t.Skip("drives a headless browser against the binary")
	}
	var missing []string
	if fi, err := os.Stat(chromiumPath); err != nil || fi.IsDir() {
		missing = append(missing, chromiumPath)
	}
	axe, err := os.ReadFile(axeFile)
	if err != nil {
		missing = append(missing, "tools/browser/node_modules/axe-core/axe.min.js")
	}
	if len(missing) > 0 {
		msg := browserNeeds + " (missing: " + strings.Join(missing, ", ") + ")"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return string(axe)
}

// webEnv is a real `lanterne serve` with the organisation of setUpOrg:
// one referent, alice (key dir/alice.key, passphrase "p"), on every route.
type webEnv struct {
	dir    string
	server string // the real server's URL
	org    string
	fp     string // the directory's fingerprint, as on the poster
	c      *client.Client
	d      *directory.Directory
}

func newWebEnv(t testing.TB) *webEnv {
	t.Helper()
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	_, url := startServer(t, bin, data, nil)
	c, d := setUpOrg(t, dir, data, url)
	return &webEnv{dir: dir, server: url, org: d.OrgID, fp: d.Fingerprint(), c: c, d: d}
}

// page is the address of an organisation's page ("" is its home, else
// "signaler", "suivi"…) at origin, in lang, pinned to the fingerprint as
// the poster's link is.
func (e *webEnv) page(origin, name, lang string) string {
	u := origin + "/o/" + e.org + "/" + name
	if lang == "en" {
		u += "?lang=en"
	}
	return u + "#fp=" + e.fp
}

// referent logs alice in, directly on the server (the referent's device
// is not the reporter's browser).
func (e *webEnv) referent(t testing.TB, ctx context.Context) *client.ReferentSession {
	t.Helper()
	sealed, err := os.ReadFile(filepath.Join(e.dir, "alice.key"))
	if err != nil {
		t.Fatal(err)
	}
	key, err := referentkey.Parse(sealed, "p")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := e.c.Login(ctx, e.d, key)
	if err != nil {
		t.Fatalf("referent login: %v", err)
	}
	return rs
}

// openCase opens, as the referent, the case whose code the browser showed.
// The case must be in the referent's inbox.
func (e *webEnv) openCase(t testing.TB, ctx context.Context, rs *client.ReferentSession, code string) *client.ReferentCase {
	t.Helper()
	c, err := casecode.Parse(code)
	if err != nil {
		t.Fatalf("the page showed %q, which is not a case code: %v", code, err)
	}
	s, err := casecode.Derive(e.org, casecode.PurposeCase, c)
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := rs.Inbox(ctx)
	if err != nil {
		t.Fatalf("inbox: %v", err)
	}
	found := false
	for _, cs := range inbox {
		found = found || cs.LookupID == s.LookupIDHex()
	}
	if !found {
		t.Fatalf("the referent's inbox (%d cases) lacks the case of code %s", len(inbox), code)
	}
	rc, err := rs.Open(ctx, s.LookupIDHex())
	if err != nil {
		t.Fatalf("referent opening the case: %v", err)
	}
	return rc
}

// egressProxy is the browser's only way out: Chromium is started with it
// as its HTTP proxy for every address, loopback included, so it sees every
// request of every page, worker and the browser itself, which the DevTools
// events of the page do not (a dedicated worker's requests are another
// target's). It records each request's absolute URL (or CONNECT and the
// host) and forwards only to loopback addresses.
type egressProxy struct {
	*httptest.Server
	mu   sync.Mutex
	urls []string
}

func newEgressProxy(t testing.TB) *egressProxy {
	t.Helper()
	p := &egressProxy{}
	rp := &httputil.ReverseProxy{Rewrite: func(*httputil.ProxyRequest) {}} // to the request's absolute URL
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		what := r.URL.String()
		if r.Method == http.MethodConnect {
			what = "CONNECT " + r.Host
		}
		p.mu.Lock()
		p.urls = append(p.urls, what)
		p.mu.Unlock()
		switch h := r.URL.Hostname(); {
		case r.Method == http.MethodConnect || !r.URL.IsAbs():
			http.Error(w, "egress proxy: plain HTTP proxy requests only", http.StatusForbidden)
		case h != "127.0.0.1" && h != "localhost" && h != "::1":
			http.Error(w, "egress proxy: loopback only", http.StatusForbidden)
		default:
			rp.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(p.Close)
	return p
}

// browser is one headless Chromium with one tab.
type browser struct {
	t      testing.TB
	ctx    context.Context // the tab; the browser is started
	egress *egressProxy

	mu       sync.Mutex
	requests []string // URL of every request the tab made, in order
	console  []string // console errors and exceptions, for failure reports
	csp      []string // Content-Security-Policy violations the browser reported
	workers  int      // workers followed

	exceptions []string // uncaught JavaScript exceptions
}

func (b *browser) logf(to *[]string, format string, args ...any) {
	b.mu.Lock()
	*to = append(*to, fmt.Sprintf(format, args...))
	b.mu.Unlock()
}

// pageErrors returns the uncaught exceptions and the Content-Security-
// Policy violations (a style or script that does not apply for a user) seen
// so far: each is a page bug.
func (b *browser) pageErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, e := range b.exceptions {
		out = append(out, "uncaught exception: "+e)
	}
	for _, c := range b.csp {
		out = append(out, "refused by the Content-Security-Policy: "+c)
	}
	return out
}

// newBrowser starts Chromium with a fresh profile; it is closed when the
// test ends.
func newBrowser(t testing.TB) *browser {
	t.Helper()
	egress := newEgressProxy(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.NoSandbox, // the tests run as root
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("lang", "fr-FR"),
		// Chromium's own traffic (the egress proxy would see it): network
		// time, autofill predictions, component and variation updates,
		// sign-in, reporting.
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,AutofillServerCommunication,NetworkTimeServiceQuerying,OptimizationHints,OptimizationGuideModelDownloading,MediaRouter,DialMediaRouteProvider,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,ChromeWhatsNewUI,PrivacySandboxSettings4"),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-client-side-phishing-detection", true),
		chromedp.Flag("disable-field-trial-config", true),
		chromedp.Flag("variations-server-url", "http://127.0.0.1:9/"),
		chromedp.Flag("google-base-url", "http://127.0.0.1:9/"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(desktopW, desktopH),
		chromedp.ProxyServer(egress.URL),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"), // loopback through the proxy too
	)
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	b := &browser{t: t, ctx: ctx, egress: egress}
	t.Cleanup(func() {
		cctx, c := context.WithTimeout(ctx, 10*time.Second)
		chromedp.Cancel(cctx)
		c()
		cancel()
		acancel()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	// Dedicated workers (the WebAssembly module runs in one) are targets
	// of their own, whose events do not reach the page's session: the
	// page's auto-attachment pauses each at its start, until a session of
	// ours listens to it; then it runs. So no request of theirs is missed.
	workers := make(chan target.ID, 64)
	if err := chromedp.Listen(ctx, func(ev any) {
		if ev, ok := ev.(*target.EventAttachedToTarget); ok && ev.TargetInfo != nil {
			// Any auto-attached target waits: follow workers and all others.
			select {
			case workers <- ev.TargetInfo.TargetID:
			default:
				b.logf(&b.console, "too many workers to follow")
			}
			return
		}
		b.onEvent(ev)
	}); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case id := <-workers:
				wctx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(id)) // ends with the browser
				if err := chromedp.Listen(wctx, b.onEvent); err != nil {
					b.logf(&b.console, "following worker %s: %v", id, err)
					continue
				}
				b.mu.Lock()
				b.workers++
				b.mu.Unlock()
				if _, err := chromedp.Call(wctx, cdpruntime.RunIfWaitingForDebugger, cdp.Empty{}); err != nil {
					b.logf(&b.console, "starting worker %s: %v", id, err)
				}
			}
		}
	}()
	flat := true
	if _, err := chromedp.Call(ctx, target.SetAutoAttach, target.SetAutoAttachParams{AutoAttach: true, WaitForDebuggerOnStart: true, Flatten: &flat}); err != nil {
		t.Fatal(err)
	}
	b.do("viewport", 10*time.Second, chromedp.EmulateViewport(desktopW, desktopH))
	return b
}

// onEvent records what the tests look at, from the page and its workers.
// It runs in chromedp's reading loop: it must be quick and call nothing.
func (b *browser) onEvent(ev any) {
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.mu.Lock()
		b.requests = append(b.requests, ev.Request.URL)
		b.mu.Unlock()
	case *cdpruntime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			text := d.Text
			if d.Exception != nil {
				text += " " + d.Exception.Description
			}
			b.logf(&b.console, "exception at %s:%d: %s", d.URL, d.LineNumber+1, text)
			b.logf(&b.exceptions, "%s:%d: %s", d.URL, d.LineNumber+1, text)
		}
	case *cdpruntime.EventConsoleAPICalled:
		if ev.Type == cdpruntime.ConsoleAPICalledTypeError || ev.Type == cdpruntime.ConsoleAPICalledTypeWarning {
			var args []string
			for _, a := range ev.Args {
				if a.Description != "" {
					args = append(args, a.Description)
				} else {
					args = append(args, string(a.Value))
				}
			}
			b.logf(&b.console, "console.%s: %s", ev.Type, strings.Join(args, " "))
		}
	case *cdplog.EventEntryAdded:
		if e := ev.Entry; e != nil {
			if strings.Contains(e.Text, "Content Security Policy") {
				b.logf(&b.csp, "%s (%s)", e.Text, e.URL)
			} else if e.Level == cdplog.EntryLevelError {
				b.logf(&b.console, "log: %s (%s)", e.Text, e.URL)
			}
		}
	}
}

// requestURLs returns the URL of every request the tab and its workers
// made so far, as their DevTools events reported them.
func (b *browser) requestURLs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

// workerCount is the number of workers followed so far.
func (b *browser) workerCount() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.workers
}

// egressHost is the host of an egress proxy record ("CONNECT host:port" or
// an absolute URL).
func egressHost(rec string) string {
	if h, ok := strings.CutPrefix(rec, "CONNECT "); ok {
		if host, _, err := net.SplitHostPort(h); err == nil {
			return host
		}
		return h
	}
	if u, err := url.Parse(rec); err == nil {
		return u.Hostname()
	}
	return rec
}

// egressURLs returns every request the browser sent out, from any page,
// worker or the browser itself, as its egress proxy saw them.
func (b *browser) egressURLs() []string {
	b.egress.mu.Lock()
	defer b.egress.mu.Unlock()
	return append([]string(nil), b.egress.urls...)
}

// do runs actions within timeout, failing the test with the page's state.
func (b *browser) do(what string, timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// fatalf fails the test with the page's address, visible text, console
// errors and a screenshot (kept with go test -artifacts).
func (b *browser) fatalf(format string, args ...any) {
	b.t.Helper()
	b.t.Fatalf(format+"\n%s", append(args, b.state())...)
}

func (b *browser) state() string {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
	if len(text) > 3000 {
		text = text[:3000] + "…"
	}
	s := fmt.Sprintf("page %s\n--- visible text ---\n%s\n---", loc, text)
	b.mu.Lock()
	if len(b.console) > 0 {
		s += "\nconsole: " + strings.Join(b.console, "\n         ")
	}
	b.mu.Unlock()
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		f := filepath.Join(b.t.ArtifactDir(), "failure.png")
		if os.WriteFile(f, png, 0o644) == nil {
			s += "\nscreenshot: " + f + " (kept with go test -artifacts)"
		}
	}
	return s
}

// open loads url and waits for the load event.
func (b *browser) open(url string) {
	b.t.Helper()
	b.do("opening "+url, stepTimeout, chromedp.Navigate(url))
}

// waitJS waits until the JavaScript expression is truthy. It polls with
// Evaluate, which survives a page replacing its execution context.
func (b *browser) waitJS(what, expr string) {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	var last error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool]("!!("+expr+")"))
		cancel()
		if err == nil && ok {
			return
		}
		last = err
		time.Sleep(100 * time.Millisecond)
	}
	b.fatalf("waiting %s for %s (%s): last error %v", stepTimeout, what, expr, last)
}

// waitVisible waits until the element of the CSS selector is visible.
func (b *browser) waitVisible(sel string) {
	b.t.Helper()
	b.do("waiting for "+sel+" to be visible", stepTimeout, chromedp.WaitVisible(chromedp.CSS(sel)))
}

// eval evaluates a JavaScript expression in the page (awaiting a promise).
func eval[T any](b *browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		b.fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// text is the text content of the element of the CSS selector, trimmed
// ("" when there is none).
func (b *browser) text(sel string) string {
	b.t.Helper()
	return strings.TrimSpace(eval[string](b, fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel)))
}

// jsString is a string of the page's strings (the i18n "js." keys).
func (b *browser) jsString(key string) string {
	b.t.Helper()
	return eval[string](b, fmt.Sprintf(`JSON.parse(document.getElementById("strings").textContent)[%q] || ""`, key))
}

// press sends keys to the focused element, as a keyboard does.
func (b *browser) press(keys string, opts ...chromedp.KeyOption) {
	b.t.Helper()
	b.do(fmt.Sprintf("pressing %q", keys), stepTimeout, chromedp.KeyEvent(keys, opts...))
}

// focused describes the focused element: tag#id.class[name=…].
const focusedJS = `(() => { const e = document.activeElement; if (!e || e === document.body) return "body";
  let s = e.tagName.toLowerCase(); if (e.id) s += "#" + e.id; if (e.name) s += "[name=" + e.name + "]";
  if (e.type === "radio" || e.type === "checkbox") s += "[value=" + e.value + "]"; return s; })()`

// tabTo presses Tab (Shift+Tab when back) until the focused element
// matches the CSS selector; it fails after 60 presses. A keyboard user
// reaching the element proves it is in the tab order; its focus must show.
func (b *browser) tabTo(sel string, back bool) {
	b.t.Helper()
	var path []string
	for range 60 {
		if back {
			b.press(kb.Tab, chromedp.KeyModifiers(kb.ModifierShift))
		} else {
			b.press(kb.Tab)
		}
		path = append(path, eval[string](b, focusedJS))
		if eval[bool](b, fmt.Sprintf(`!!document.activeElement && document.activeElement.matches(%q)`, sel)) {
			visible := eval[bool](b, `(() => { const s = getComputedStyle(document.activeElement);
			  return (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== "none"; })()`)
			if !visible {
				b.t.Errorf("%s has the keyboard focus but no visible focus indicator (WCAG 2.4.7)", sel)
			}
			return
		}
	}
	b.fatalf("%s cannot be reached with the Tab key; the focus went through: %s", sel, strings.Join(path, " → "))
}

// axeViolation is one failed axe-core rule.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  json.RawMessage `json:"target"`
		Summary string          `json:"failureSummary"`
	} `json:"nodes"`
}

func (v axeViolation) String() string {
	var nodes []string
	for _, n := range v.Nodes {
		nodes = append(nodes, string(n.Target))
	}
	return fmt.Sprintf("%s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(nodes, " "))
}

// axe runs axe-core's WCAG 2.0 and 2.1 A and AA rules on the page.
func (b *browser) axe(src string) []axeViolation {
	b.t.Helper()
	if !eval[bool](b, `typeof axe === "object"`) {
		// DevTools evaluation is not subject to the page's CSP.
		b.do("injecting axe-core", stepTimeout, chromedp.Evaluate[chromedp.Void](src))
	}
	return eval[[]axeViolation](b, `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"]})
	  .then((r) => r.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
	    nodes: v.nodes.map((n) => ({target: n.target, failureSummary: n.failureSummary}))})))`)
}

// checkPage runs axe-core on the page as it is and checks that it does not
// scroll horizontally at 360 px; failures name the state.
//
// With LANTERNE_BROWSER_SHOTS=DIR, it also saves a full-page screenshot of
// each state in DIR, for people to look at.
func (b *browser) checkPage(axeSrc, state string) {
	b.t.Helper()
	if dir := os.Getenv("LANTERNE_BROWSER_SHOTS"); dir != "" {
		ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		name := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
				return r
			}
			return '-'
		}, strings.ToLower(state))
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
		if err != nil {
			b.t.Logf("screenshot of %s: %v", state, err)
		}
	}
	for _, p := range b.a11yProblems(axeSrc) {
		b.t.Errorf("%s: %s", state, p)
	}
}

// a11yProblems lists axe-core's violations on the page, and the page's
// horizontal scrolling at 360 px.
func (b *browser) a11yProblems(axeSrc string) []string {
	b.t.Helper()
	var out []string
	for _, v := range b.axe(axeSrc) {
		out = append(out, "axe "+v.String())
	}
	b.do("narrow viewport", 10*time.Second, chromedp.EmulateViewport(narrowW, narrowH))
	type reflow struct {
		Width int      `json:"width"`
		Wide  []string `json:"wide"`
	}
	r := eval[reflow](b, fmt.Sprintf(`(() => { const wide = [];
	  for (const e of document.body.querySelectorAll("*")) {
	    const r = e.getBoundingClientRect();
	    if (r.width > 0 && r.right > %d + 1 && wide.length < 8) {
	      let s = e.tagName.toLowerCase(); if (e.id) s += "#" + e.id;
	      if (typeof e.className === "string" && e.className.trim()) s += "." + e.className.trim().split(/\s+/).join(".");
	      wide.push(s + " (right edge " + Math.round(r.right) + " px)");
	    }
	  }
	  return {width: document.documentElement.scrollWidth, wide}; })()`, narrowW))
	if r.Width > narrowW {
		out = append(out, fmt.Sprintf("at %d px wide the page scrolls horizontally (scrollWidth %d px, WCAG 1.4.10); too wide: %s",
			narrowW, r.Width, strings.Join(r.Wide, ", ")))
	}
	b.do("desktop viewport", 10*time.Second, chromedp.EmulateViewport(desktopW, desktopH))
	return out
}

// capturedRequest is one request the proxy forwarded.
type capturedRequest struct {
	Method string
	URL    string // path and query
	Body   []byte
}

// captureProxy is a reverse proxy in front of the real server that records
// every request, whole, and can hold a request until released.
type captureProxy struct {
	*httptest.Server

	mu    sync.Mutex
	reqs  []capturedRequest
	holds []*heldRequest
}

// heldRequest is a request the proxy keeps waiting: arrived is closed when
// it comes, and it goes on to the server when release is called.
type heldRequest struct {
	method, path string
	arrived      chan struct{}
	released     chan struct{}
	once         sync.Once
}

func (h *heldRequest) release() { h.once.Do(func() { close(h.released) }) }

func newCaptureProxy(t testing.TB, target string) *captureProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &captureProxy{}
	rp := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) { r.SetURL(u) }}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, "proxy: "+err.Error(), http.StatusBadGateway)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		p.mu.Lock()
		p.reqs = append(p.reqs, capturedRequest{Method: r.Method, URL: r.URL.RequestURI(), Body: body})
		var held *heldRequest
		for i, h := range p.holds {
			if h.method == r.Method && h.path == r.URL.Path {
				held = h
				p.holds = append(p.holds[:i], p.holds[i+1:]...)
				break
			}
		}
		p.mu.Unlock()
		if held != nil {
			close(held.arrived)
			select {
			case <-held.released:
			case <-r.Context().Done():
				return
			}
		}
		rp.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

// hold makes the next request of method to path wait until released; it
// is released when the test ends at the latest.
func (p *captureProxy) hold(t testing.TB, method, path string) *heldRequest {
	h := &heldRequest{method: method, path: path, arrived: make(chan struct{}), released: make(chan struct{})}
	p.mu.Lock()
	p.holds = append(p.holds, h)
	p.mu.Unlock()
	t.Cleanup(h.release)
	return h
}

func (p *captureProxy) requests() []capturedRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]capturedRequest(nil), p.reqs...)
}

// encodings are the forms in which a secret must not travel: as is, and in
// standard, URL-safe and unpadded base64 at each of the three alignments
// (the stable middle of the encoding of s[i:]), and in hex.
func encodings(s string) []string {
	out := []string{s, hex.EncodeToString([]byte(s))}
	for i := range 3 {
		for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding} {
			e := enc.EncodeToString([]byte(s[i:]))
			// The last group may mix in the bytes that follow s.
			if n := len(e)/4*4 - 4; n >= 8 {
				out = append(out, e[:n])
			}
		}
	}
	return out
}

// click clicks the element of the CSS selector with the mouse.
func (b *browser) click(sel string) {
	b.t.Helper()
	b.do("clicking "+sel, stepTimeout, chromedp.Click(chromedp.CSS(sel)))
}

// typeInto focuses the field of the CSS selector and types text.
func (b *browser) typeInto(sel, text string) {
	b.t.Helper()
	b.do("typing into "+sel, stepTimeout, chromedp.SendKeys(chromedp.CSS(sel), text))
}
