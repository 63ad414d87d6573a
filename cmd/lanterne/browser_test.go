package main

// The reporter's web pages in a real browser (headless Chromium, driven by
// chromedp) against the real binary: accessibility (axe-core, WCAG 2.1 AA,
// 360 px reflow), the report form with the keyboard alone, the whole round
// trip with a referent through a capturing proxy that proves no plaintext
// leaves the browser, and the pages' security headers (no browser needed).
//
// Chromium and axe-core are installed by .ci/run; elsewhere, see
// needBrowser.

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"golang.org/x/net/html"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/envelope"
)

// webPages are the reporter's pages, as paths with ORG for the
// organisation.
var webPages = []string{
	"/", "/accessibilite",
	"/o/ORG/", "/o/ORG/signaler", "/o/ORG/suivi", "/o/ORG/invitation",
	"/o/ORG/comprendre", "/o/ORG/aide", "/o/ORG/accessibilite",
}

// TestWebHeaders checks, on the real binary and without a browser, what
// the browser is told: every page and asset carries a Content-Security-
// Policy that allows no inline script or style and no eval but
// WebAssembly's, and nosniff; no page has an inline script (but the JSON
// strings block), event handler attribute or style; lanterne.wasm is
// served as application/wasm.
func TestWebHeaders(t *testing.T) {
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	_, base := startServer(t, bin, data, nil)
	_, d := setUpOrg(t, dir, data, base)

	get := func(u string) (*http.Response, []byte) {
		t.Helper()
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %s", u, resp.Status)
		}
		return resp, b
	}
	checkHeaders := func(what string, h http.Header) {
		t.Helper()
		if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s: X-Content-Type-Options %q, want nosniff", what, got)
		}
		for _, problem := range cspProblems(h.Get("Content-Security-Policy")) {
			t.Errorf("%s: Content-Security-Policy: %s", what, problem)
		}
	}

	assets := map[string]string{} // asset path → the page that links it
	for _, p := range webPages {
		for _, q := range []string{"", "?lang=en"} {
			page := strings.ReplaceAll(p, "ORG", d.OrgID) + q
			resp, body := get(base + page)
			checkHeaders(page, resp.Header)
			if ct := resp.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", page, ct)
			}
			links, problems := inspectHTML(body)
			for _, problem := range problems {
				t.Errorf("%s: %s", page, problem)
			}
			if len(links) == 0 {
				t.Errorf("%s links no script nor stylesheet", page)
			}
			for _, l := range links {
				u, err := url.Parse(l)
				if err != nil || u.Host != "" || u.Scheme != "" || !strings.HasPrefix(u.Path, "/") {
					t.Errorf("%s: %q is not an address on this server", page, l)
					continue
				}
				assets[l] = page
			}
		}
	}
	wantType := map[string]string{
		".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
		".wasm": "application/wasm", ".svg": "image/svg+xml",
	}
	sawWasm := false
	for a, page := range assets {
		resp, body := get(base + a)
		checkHeaders(a+" (linked from "+page+")", resp.Header)
		u, _ := url.Parse(a)
		ext := path.Ext(u.Path)
		if want, ok := wantType[ext]; !ok {
			t.Errorf("%s (linked from %s): unexpected kind of asset", a, page)
		} else if got := resp.Header.Get("Content-Type"); got != want {
			t.Errorf("%s: Content-Type %q, want %q", a, got, want)
		}
		if ext == ".wasm" {
			sawWasm = true
			if !bytes.HasPrefix(body, []byte("\x00asm")) {
				t.Errorf("%s is not a WebAssembly module", a)
			}
		}
	}
	if !sawWasm {
		t.Error("no page names lanterne.wasm (body data-wasm)")
	}
	t.Logf("%d pages in 2 languages, %d assets", len(webPages), len(assets))
}

// cspProblems lists what is wrong with a Content-Security-Policy for the
// reporter's pages.
func cspProblems(policy string) []string {
	if policy == "" {
		return []string{"missing"}
	}
	directives := map[string][]string{}
	for _, d := range strings.Split(policy, ";") {
		f := strings.Fields(d)
		if len(f) > 0 {
			directives[strings.ToLower(f[0])] = f[1:]
		}
	}
	var out []string
	has := func(dir, src string) bool {
		for _, s := range directives[dir] {
			if s == src {
				return true
			}
		}
		return false
	}
	for _, need := range [][2]string{{"default-src", "'self'"}, {"script-src", "'self'"}, {"script-src", "'wasm-unsafe-eval'"}, {"style-src", "'self'"}} {
		if !has(need[0], need[1]) {
			out = append(out, fmt.Sprintf("%s lacks %s in %q", need[0], need[1], policy))
		}
	}
	for dir, srcs := range directives {
		for _, s := range srcs {
			switch strings.ToLower(s) {
			case "'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "blob:":
				if s == "data:" && dir == "img-src" {
					continue
				}
				out = append(out, fmt.Sprintf("%s allows %s", dir, s))
			}
		}
	}
	return out
}

// inspectHTML returns the addresses of a page's scripts, stylesheets,
// icons, images and WebAssembly module, and what it has that the CSP
// refuses: inline scripts but the JSON strings, event handler attributes,
// javascript: links, style elements and attributes.
func inspectHTML(page []byte) (links, problems []string) {
	z := html.NewTokenizer(bytes.NewReader(page))
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			if z.Err() != io.EOF {
				problems = append(problems, "unparsable HTML: "+z.Err().Error())
			}
			return links, problems
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		attr := map[string]string{}
		for _, a := range tok.Attr {
			attr[strings.ToLower(a.Key)] = a.Val
			k := strings.ToLower(a.Key)
			switch {
			case k == "style":
				problems = append(problems, fmt.Sprintf("<%s style=%q>: inline style", tok.Data, a.Val))
			case strings.HasPrefix(k, "on"):
				problems = append(problems, fmt.Sprintf("<%s %s=…>: inline event handler", tok.Data, a.Key))
			case (k == "href" || k == "src" || k == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:"):
				problems = append(problems, fmt.Sprintf("<%s %s=%q>: javascript: address", tok.Data, a.Key, a.Val))
			}
		}
		switch tok.Data {
		case "script":
			if src, ok := attr["src"]; ok {
				links = append(links, src)
			} else if attr["type"] != "application/json" || attr["id"] != "strings" {
				problems = append(problems, fmt.Sprintf("inline <script> %v", tok.Attr))
			}
		case "style":
			problems = append(problems, "inline <style> element")
		case "link":
			if href, ok := attr["href"]; ok && attr["rel"] != "alternate" {
				links = append(links, href)
			}
		case "img":
			if src, ok := attr["src"]; ok && !strings.HasPrefix(src, "data:") {
				links = append(links, src)
			}
		case "body": // the WebAssembly module, its worker and loader
			for k, v := range attr {
				if strings.HasPrefix(k, "data-") && strings.HasPrefix(v, "/static/") {
					links = append(links, v)
				}
			}
		}
	}
}

// TestBrowserPagesAccessible runs axe-core (WCAG 2.0 and 2.1, A and AA)
// on every page and every state of the report form, the follow-up space
// and the presumed victim's invitation page, in French and in English, and
// checks that none scrolls horizontally at 360 px (WCAG 1.4.10, reflow).
// A page broken on purpose first proves that both checks can fail.
func TestBrowserPagesAccessible(t *testing.T) {
	axeSrc := needBrowser(t)
	e := newWebEnv(t)
	proxy := newCaptureProxy(t, e.server) // holds the submission to see the sending state
	ctx := context.Background()
	rs := e.referent(t, ctx)
	origin := proxy.URL
	const loaded = `document.readyState === "complete"`

	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			start := time.Now()
			b := newBrowser(t)
			q := ""
			if lang == "en" {
				q = "?lang=en"
			}
			pages := []struct{ state, url, ready string }{
				{"organisations list /", origin + "/" + q, `document.querySelector("#orgs a") !== null`},
				{"site accessibility statement /accessibilite", origin + "/accessibilite" + q, loaded},
				{"home /o/ORG/ (directory verified)", e.page(origin, "", lang),
					fmt.Sprintf(`(document.querySelector("[data-fingerprint]") || {}).textContent === %q`, e.fp)},
				{"definitions /o/ORG/comprendre", e.page(origin, "comprendre", lang), loaded},
				{"help /o/ORG/aide", e.page(origin, "aide", lang), loaded},
				{"accessibility statement /o/ORG/accessibilite", e.page(origin, "accessibilite", lang), loaded},
				{"invitation /o/ORG/invitation", e.page(origin, "invitation", lang), loaded},
				{"follow-up /o/ORG/suivi, before opening a case", e.page(origin, "suivi", lang), `document.querySelector("form#login input#code") !== null`},
				{"fingerprint mismatch warning /o/ORG/#fp=AAAA-…", strings.Replace(e.page(origin, "", lang), e.fp, "AAAA-AAAA-AAAA-AAAA-AAAA", 1),
					`(document.querySelector('.stop[role="alert"] h1') || {}).textContent === JSON.parse(document.getElementById("strings").textContent)["trust.mismatch.title"]`},
			}
			// The checks can fail: a page with an image without text and
			// a box wider than the screen fails both.
			b.open(origin + "/" + q)
			b.do("breaking the page", stepTimeout, chromedp.Evaluate[chromedp.Void](`document.getElementById("main").append(
			  Object.assign(document.createElement("img"), {src: "/static/lanterne.svg"}),
			  Object.assign(document.createElement("pre"), {textContent: "x".repeat(400)}))`))
			broken := strings.Join(b.a11yProblems(axeSrc), "\n")
			if !strings.Contains(broken, "axe image-alt") || !strings.Contains(broken, "scrolls horizontally") {
				t.Fatalf("axe-core or the reflow check misses an image without alternative text or a 400-character line:\n%s", broken)
			}

			for _, p := range pages {
				b.open(p.url)
				b.waitJS(p.state, p.ready)
				b.checkPage(axeSrc, lang+", "+p.state)
			}

			// The report form, step by step.
			b.open(e.page(origin, "signaler", lang))
			b.waitJS("the directory (referents to exclude)", `document.querySelector("#exclude input") !== null`)
			state := func(s string) string { return lang + ", report form: " + s }
			b.checkPage(axeSrc, state("step 1"))
			b.click("#next")
			b.waitVisible("#form-error")
			b.checkPage(axeSrc, state("step 1 with a validation error"))
			// A witness's report: the follow-up space then offers to
			// invite the presumed victim, whose pages are checked too.
			b.click("#ch-avdhas")
			b.click("#role-witness")
			b.waitVisible("#witness-hint")
			next := func(n int) {
				t.Helper()
				b.click("#next")
				b.waitVisible(fmt.Sprintf(`section.step[data-step="%d"]`, n))
			}
			next(2)
			b.click("#cat-discrimination")
			b.waitVisible("#criteria")
			b.checkPage(axeSrc, state("step 2 (discrimination criteria shown)"))
			b.click(`input[name="criteria"]`)
			next(3)
			b.checkPage(axeSrc, state("step 3"))
			b.typeInto("#facts", "Faits décrits pour le test d'accessibilité.")
			next(4)
			b.checkPage(axeSrc, state("step 4"))
			next(5)
			b.checkPage(axeSrc, state("step 5"))
			next(6)
			b.click("#id-sealed")
			b.waitVisible("#identity-fields")
			b.checkPage(axeSrc, state("step 6 (identity fields shown)"))
			b.typeInto("#id-name", "Camille Test")
			next(7)
			b.checkPage(axeSrc, state("step 7"))
			next(8)
			b.waitVisible("#send")
			b.checkPage(axeSrc, state("step 8, review"))

			// Sending: the proxy holds the new case until axe has run.
			held := proxy.hold(t, http.MethodPost, "/api/v1/orgs/"+e.org+"/cases")
			b.click("#send")
			select {
			case <-held.arrived:
			case <-time.After(stepTimeout):
				b.fatalf("the page sent no new case within %s", stepTimeout)
			}
			b.waitVisible("#sending")
			b.checkPage(axeSrc, state("sending"))
			held.release()
			b.waitVisible("#done")
			b.waitJS("the case code", `document.querySelector("#case-code").textContent.trim() !== ""`)
			b.checkPage(axeSrc, state("confirmation with the case code"))
			code := b.text("#case-code")

			// The referent answers and asks for the identity, so that the
			// follow-up space shows a conversation and the request.
			rc := e.openCase(t, ctx, rs, code)
			if _, err := rc.Reply(ctx, "Nous avons bien reçu votre signalement."); err != nil {
				t.Fatal(err)
			}
			if err := rc.RequestIdentity(ctx, "Accepteriez-vous de lever l'anonymat ?"); err != nil {
				t.Fatal(err)
			}

			b.open(e.page(origin, "suivi", lang))
			b.waitVisible("form#login")
			b.typeInto("#code", code)
			b.click(`form#login [type="submit"]`)
			b.waitVisible("section#case")
			b.waitJS("the referent's message", `document.querySelectorAll("#messages li .body").length >= 2`)
			b.waitVisible("#release-identity")
			b.checkPage(axeSrc, lang+", follow-up: case opened, with messages and an identity request")
			b.click("#release-identity")
			b.waitVisible("#release-confirm")
			b.checkPage(axeSrc, lang+", follow-up: the identity release to confirm")
			b.click("#release-identity-cancel")

			// The witness invites the presumed victim, who answers on the
			// invitation page and follows their own thread.
			b.waitVisible("section#invite")
			b.typeInto("#invite-message", "Je vous invite à donner votre version.")
			b.click("#make-invite")
			b.waitJS("the invitation code", `document.querySelector("#invite-code").textContent.trim().length === 20`)
			b.checkPage(axeSrc, lang+", follow-up: invitation code made")
			invitation := b.text("#invite-code")

			b.open(e.page(origin, "invitation", lang))
			b.typeInto("#inv-code", invitation)
			b.click(`form#inv-form [type="submit"]`)
			b.waitVisible("#inv-answer")
			b.checkPage(axeSrc, lang+", invitation: the witness's word and the answer form")
			b.click("#inv-send")
			b.waitVisible("#inv-error")
			b.checkPage(axeSrc, lang+", invitation: answer with a validation error")
			b.click(`input[name="inv-category"]`)
			b.typeInto("#inv-facts", "Ma version des faits.")
			b.click("#inv-consent-later")
			b.click("#inv-send")
			b.waitVisible("#done")
			b.waitJS("the victim's case code", `document.querySelector("#case-code").textContent.trim() !== ""`)
			b.checkPage(axeSrc, lang+", invitation: confirmation with the victim's case code")
			victimCode := b.text("#case-code")

			b.open(e.page(origin, "suivi", lang))
			b.waitVisible("form#login")
			b.typeInto("#code", victimCode)
			b.click(`form#login [type="submit"]`)
			b.waitVisible("section#case")
			b.waitVisible("section#consent")
			b.checkPage(axeSrc, lang+", follow-up: the presumed victim's thread, asking for consent")
			b.click("#consent-yes")
			b.waitVisible("#consent-confirm")
			b.checkPage(axeSrc, lang+", follow-up: the consent to confirm")
			for _, e := range b.pageErrors() {
				t.Errorf("%s: %s", lang, e)
			}
			t.Logf("%s: %s", lang, time.Since(start).Round(100*time.Millisecond))
		})
	}
}

// TestBrowserKeyboardOnly completes the report form from the top of the
// page with the keyboard alone (Tab, Shift+Tab, Space, Enter, arrows and
// typing: no click, no value set by script) until the case code shows;
// the referent then opens the case and finds what was typed.
func TestBrowserKeyboardOnly(t *testing.T) {
	needBrowser(t)
	e := newWebEnv(t)
	ctx := context.Background()
	b := newBrowser(t)

	facts := "Remarques répétées en réunion, tapées au clavier seul — " + rand.Text()[:8]
	when, where, name := "Depuis mars, chaque lundi", "Salle du conseil, 2e étage", "Dominique Clavier"
	b.open(e.page(e.server, "signaler", "fr"))
	b.waitJS("the directory", `document.querySelector("#exclude input") !== null`)
	checked := func(name string) string {
		t.Helper()
		return eval[string](b, fmt.Sprintf(`(document.querySelector('input[name=%q]:checked') || {}).value || ""`, name))
	}
	next := func(n int) {
		t.Helper()
		b.tabTo("#next", false)
		b.press(kb.Enter)
		b.waitVisible(fmt.Sprintf(`section.step[data-step="%d"]`, n))
		if err := eval[string](b, `document.getElementById("form-error").hidden ? "" : document.getElementById("form-error").textContent`); err != "" {
			b.fatalf("moving to step %d shows an error: %s", n, err)
		}
		if !eval[bool](b, fmt.Sprintf(`document.activeElement.matches('section.step[data-step="%d"] h2')`, n)) {
			t.Errorf("after moving to step %d the focus is on %s, not on the step's heading", n, eval[string](b, focusedJS))
		}
	}

	// The first Tab shows the skip link, which leads to the content.
	b.press(kb.Tab)
	if !eval[bool](b, `document.activeElement.matches("a.skip") && document.activeElement.getBoundingClientRect().left >= 0`) {
		t.Errorf("the first Tab focuses %s, not a visible skip link", eval[string](b, focusedJS))
	}
	b.press(kb.Enter)
	b.waitJS("the focus on the content after the skip link", `document.activeElement === document.getElementById("main")`)

	// 1: channel and role, each a radio group entered with Tab.
	b.tabTo(`input[name="channel"]`, false)
	b.press(" ")
	b.tabTo(`input[name="role"]`, false)
	b.press(" ")
	if checked("channel") != "avdhas" || checked("role") != "victim" {
		b.fatalf("Space in the radio groups chose channel %q and role %q", checked("channel"), checked("role"))
	}
	next(2)

	// 2: the category, chosen with the arrow keys.
	b.tabTo(`input[name="category"]`, false)
	b.press(" ")
	for i := 0; checked("category") != "moral_harassment"; i++ {
		if i == 8 {
			b.fatalf("the arrow keys do not reach the category moral_harassment (at %q)", checked("category"))
		}
		b.press(kb.ArrowDown)
	}
	next(3)

	// 3: facts, then where, then back with Shift+Tab to when.
	b.tabTo("#facts", false)
	b.press(facts)
	b.tabTo("#where", false)
	b.press(where)
	b.tabTo("#when", true)
	b.press(when)
	next(4)
	next(5) // 5: no file (a file dialog cannot be driven headless)
	next(6)

	// 6: sealed identity, with the arrow key from the checked "anonymous".
	b.tabTo(`input[name="identity"]`, false)
	b.press(kb.ArrowDown)
	if checked("identity") != "sealed" {
		b.fatalf("ArrowDown from anonymous chose identity %q, want sealed", checked("identity"))
	}
	b.waitVisible("#identity-fields")
	b.tabTo("#id-name", false)
	b.press(name)
	next(7)

	// 7: ask for a meeting.
	b.tabTo("#meeting", false)
	b.press(" ")
	next(8)

	// 8: the review shows what was typed; send.
	if review := b.text("#review"); !strings.Contains(review, facts) || !strings.Contains(review, name) {
		b.fatalf("the review lacks the facts or the name:\n%s", review)
	}
	b.tabTo("#send", false)
	b.press(kb.Enter)
	b.waitVisible("#done")
	b.waitJS("the case code", `document.querySelector("#case-code").textContent.trim() !== ""`)
	code := b.text("#case-code")
	if focused := eval[string](b, focusedJS); focused != "h2#done-h2" {
		t.Errorf("after sending, the focus is on %s, not on the confirmation's heading", focused)
	}

	// The referent reads exactly what was typed.
	rc := e.openCase(t, ctx, e.referent(t, ctx), code)
	r := rc.Report()
	if r.Facts != facts || r.When != when || r.Where != where {
		t.Errorf("the referent reads facts %q, when %q, where %q; typed %q, %q, %q", r.Facts, r.When, r.Where, facts, when, where)
	}
	if r.Channel != envelope.ChannelAVDHAS || r.Role != envelope.RoleVictim || r.Category != envelope.CategoryMoralHarassment || !r.Wishes.Meeting {
		t.Errorf("the referent reads channel %q, role %q, category %q, meeting %v", r.Channel, r.Role, r.Category, r.Wishes.Meeting)
	}
	if _, state := rc.Identity(); state != client.IdentitySealed {
		t.Errorf("identity state %q, want sealed", state)
	}
	for _, e := range b.pageErrors() {
		t.Error(e)
	}
}

// TestBrowserReportRoundTrip drives a whole case between the browser and a
// referent, the browser talking only to a proxy that records every request:
// a report with a canary in every field, two files (text and a 5 MiB
// binary) and a sealed identity; the code retyped; the referent reads the
// report and the files, answers and asks for the identity; on a return
// visit the reporter reads the answer, replies, releases the identity,
// sends one more file and sees the referent's next message on Refresh; the
// referent reads the reply, the identity and the file. No canary, nor its base64 or hex, may be
// in any request the proxy saw, and the browser may have asked nothing of
// another origin.
func TestBrowserReportRoundTrip(t *testing.T) {
	needBrowser(t)
	e := newWebEnv(t)
	proxy := newCaptureProxy(t, e.server)
	ctx := context.Background()
	b := newBrowser(t)
	start := time.Now()

	canaries := map[string]string{}
	canary := func(what string) string {
		c := "CANARY-" + what + "-" + rand.Text()[:12]
		canaries[what] = c
		return c
	}
	fields := []struct {
		step      int
		sel, what string
	}{
		{3, "#facts", "facts"}, {3, "#when", "when"}, {3, "#where", "where"},
		{4, "#persons", "persons"}, {4, "#witnesses", "witnesses"},
		{6, "#id-name", "name"}, {6, "#id-contact", "contact"}, {6, "#id-service", "service"}, {6, "#id-position", "position"},
		{7, "#wishes-other", "wishes"},
	}
	for _, f := range fields {
		canary(f.what)
	}

	// The files: a text file of a few hundred KiB, and 5 MiB of random
	// bytes with a canary inside; both named with canaries.
	textName, binName := canary("textname")+".txt", canary("binname")+".bin"
	textBody := bytes.Repeat([]byte(canary("textcontent")+"\n"), 300<<10/28)
	binBody := make([]byte, 5<<20)
	rand.Read(binBody)
	for _, at := range []int{0, 1 << 20, 3<<20 + 7, 5<<20 - 64} {
		copy(binBody[at:], canary("bincontent"))
	}
	files := map[string][]byte{textName: textBody, binName: binBody}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(e.dir, name), body, 0o600); err != nil {
			t.Fatal(err)
		}
	}

	// The report, through the proxy.
	b.open(e.page(proxy.URL, "signaler", "fr"))
	b.waitJS("the directory", `document.querySelector("#exclude input") !== null`)
	b.click("#ch-avdhas")
	b.click("#role-victim")
	for step := 1; step <= 7; step++ {
		switch step {
		case 2:
			b.click("#cat-discrimination")
			b.click("#crit-origine")
		case 5:
			b.do("attaching the files", stepTimeout, chromedp.SetUploadFiles(chromedp.CSS("#files"),
				[]string{filepath.Join(e.dir, textName), filepath.Join(e.dir, binName)}))
			b.waitJS("the two files in the list", `document.querySelectorAll("#file-list li").length === 2`)
		case 6:
			b.click("#id-sealed")
			b.waitVisible("#identity-fields")
		case 7:
			b.click("#meeting")
		}
		for _, f := range fields {
			if f.step == step {
				b.typeInto(f.sel, canaries[f.what])
			}
		}
		b.click("#next")
		b.waitVisible(fmt.Sprintf(`section.step[data-step="%d"]`, step+1))
	}
	if review := b.text("#review"); !strings.Contains(review, canaries["facts"]) || !strings.Contains(review, textName) || !strings.Contains(review, binName) {
		b.fatalf("the review lacks the facts or a file:\n%s", review)
	}
	b.click("#send")
	b.waitVisible("#done")
	b.waitJS("the case code", `document.querySelector("#case-code").textContent.trim() !== ""`)
	code := b.text("#case-code")
	if errText := b.text("#done-error"); eval[bool](b, `!document.getElementById("done-error").hidden`) {
		t.Errorf("the confirmation shows an error: %s", errText)
	}
	if receipt := b.text("#receipt-items"); !strings.Contains(receipt, textName) || !strings.Contains(receipt, binName) {
		t.Errorf("the acknowledgement does not list both files:\n%s", receipt)
	}
	canaries["code"], canaries["code-plain"] = code, strings.ReplaceAll(code, "-", "")
	t.Logf("sent in %s", time.Since(start).Round(100*time.Millisecond))

	// The reporter retypes the code: the page says it is right.
	b.typeInto("#retype-code", strings.ToLower(code))
	b.click(`form#retype [type="submit"]`)
	ok := b.jsString("confirm.retype.ok")
	if ok == "" {
		t.Fatal("the page has no string confirm.retype.ok")
	}
	b.waitJS("the retyped code checked", fmt.Sprintf(`document.getElementById("retype-result").textContent.trim() === %q`, ok))

	// The referent reads the report and the files, answers, and asks for
	// the identity.
	rs := e.referent(t, ctx)
	rc := e.openCase(t, ctx, rs, code)
	r := rc.Report()
	for _, c := range []struct{ got, what string }{
		{r.Facts, "facts"}, {r.When, "when"}, {r.Where, "where"}, {r.PersonsInvolved, "persons"},
		{r.Witnesses, "witnesses"}, {r.Wishes.Other, "wishes"},
	} {
		if c.got != canaries[c.what] {
			t.Errorf("the referent reads %s %q, typed %q", c.what, c.got, canaries[c.what])
		}
	}
	if r.Category != envelope.CategoryDiscrimination || len(r.Criteria) != 1 || r.Criteria[0] != "origine" || !r.Wishes.Meeting {
		t.Errorf("the referent reads category %q, criteria %v, meeting %v", r.Category, r.Criteria, r.Wishes.Meeting)
	}
	if id, state := rc.Identity(); id != nil || state != client.IdentitySealed {
		t.Errorf("before release the referent has identity %v in state %q, want none, sealed", id, state)
	}
	msgs, err := rc.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items := client.EvidenceItems(msgs)
	if len(items) != 2 {
		t.Fatalf("%d files announced to the referent, want 2: %+v", len(items), items)
	}
	for _, it := range items {
		want, ok := files[it.Name]
		if !ok {
			t.Errorf("a file announced as %q, which was not attached", it.Name)
			continue
		}
		var got bytes.Buffer
		if err := rc.Download(ctx, it, &got); err != nil {
			t.Errorf("downloading %s: %v", it.Name, err)
		} else if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s downloads as %d bytes that differ from the %d attached", it.Name, got.Len(), len(want))
		}
	}
	fromReferent := canary("referent")
	if _, err := rc.Reply(ctx, fromReferent); err != nil {
		t.Fatal(err)
	}
	if err := rc.RequestIdentity(ctx, "Accepteriez-vous de lever l'anonymat ?"); err != nil {
		t.Fatal(err)
	}

	// The reporter comes back: a fresh page load, the code typed.
	b.open(e.page(proxy.URL, "suivi", "fr"))
	b.waitVisible("form#login")
	b.typeInto("#code", code)
	b.click(`form#login [type="submit"]`)
	b.waitVisible("section#case")
	b.waitJS("the referent's message", fmt.Sprintf(`[...document.querySelectorAll("#messages li:not(.mine) .body")].some((e) => e.textContent === %q)`, fromReferent))
	if st := b.text("#status-text"); st == "" {
		t.Error("#status-text shows no status")
	}
	fromReporter := canary("reporter")
	b.typeInto("#reply", fromReporter)
	b.click(`form#reply-form [type="submit"]`)
	b.waitJS("the reporter's message in the conversation", fmt.Sprintf(`[...document.querySelectorAll("#messages li.mine .body")].some((e) => e.textContent === %q)`, fromReporter))
	b.waitVisible("#identity-request")
	// Releasing asks first, in the page; cancelling releases nothing.
	b.click("#release-identity")
	b.waitVisible("#release-confirm")
	if f := eval[string](b, focusedJS); f != "p#release-confirm-text" {
		t.Errorf("the release confirmation opened with the focus on %s, want its text p#release-confirm-text", f)
	}
	if state := b.text("#identity-state"); state != b.jsString("followup.identity.requested") {
		t.Errorf("one click on #release-identity changed the identity state to %q", state)
	}
	b.click("#release-identity-cancel")
	b.waitJS("the release confirmation closed", `document.getElementById("release-confirm").hidden`)
	if f := eval[string](b, focusedJS); f != "button#release-identity" {
		t.Errorf("cancelling the release left the focus on %s, want button#release-identity", f)
	}
	if err := rc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if id, state := rc.Identity(); id != nil || state == client.IdentityReleased {
		t.Errorf("after the release was cancelled the referent reads identity %+v in state %q", id, state)
	}
	b.click("#release-identity")
	b.waitVisible("#release-identity-confirm")
	b.click("#release-identity-confirm")
	released := b.jsString("followup.identity.released")
	b.waitJS("the identity released", fmt.Sprintf(`document.getElementById("identity-state").textContent.trim() === %q`, released))

	// One more file from the follow-up space.
	moreName := canary("morename") + ".txt"
	moreBody := []byte(strings.Repeat(canary("morecontent")+"\n", 2000))
	files[moreName] = moreBody
	if err := os.WriteFile(filepath.Join(e.dir, moreName), moreBody, 0o600); err != nil {
		t.Fatal(err)
	}
	b.do("choosing one more file", stepTimeout, chromedp.SetUploadFiles(chromedp.CSS("#more-files"), []string{filepath.Join(e.dir, moreName)}))
	b.click(`form#attach-form [type="submit"]`)
	attached := strings.ReplaceAll(b.jsString("followup.attach.done"), "{n}", "1")
	b.waitJS("the file sent", fmt.Sprintf(`document.getElementById("attach-result").textContent.trim() === %q`, attached))

	// The referent's next message appears on Refresh.
	second := canary("referent2")
	if _, err := rc.Reply(ctx, second); err != nil {
		t.Fatal(err)
	}
	b.click("#refresh")
	b.waitJS("the referent's second message after #refresh", fmt.Sprintf(`[...document.querySelectorAll("#messages li:not(.mine) .body")].some((e) => e.textContent === %q)`, second))

	// The referent reads the reply and the identity.
	if err := rc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if msgs, err = rc.Messages(ctx); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range msgs {
		found = found || (m.Verified && m.Author == "reporter" && m.Kind == envelope.MessageText && m.Body == fromReporter)
	}
	if !found {
		t.Errorf("the referent does not see the reporter's message %q", fromReporter)
	}
	if items = client.EvidenceItems(msgs); len(items) != 3 {
		t.Errorf("%d files announced to the referent, want 3", len(items))
	}
	for _, it := range items {
		if it.Name != moreName {
			continue
		}
		var got bytes.Buffer
		if err := rc.Download(ctx, it, &got); err != nil || !bytes.Equal(got.Bytes(), moreBody) {
			t.Errorf("the file sent from the follow-up space downloads as %d bytes (%v), want its %d", got.Len(), err, len(moreBody))
		}
	}
	id, state := rc.Identity()
	if state != client.IdentityReleased || id == nil || id.Name != canaries["name"] || id.Contact != canaries["contact"] ||
		id.Service != canaries["service"] || id.Position != canaries["position"] {
		t.Errorf("after release the referent reads identity %+v in state %q", id, state)
	}

	// Nothing but ciphertext went through the proxy, and the browser asked
	// nothing of anyone else.
	reqs := proxy.requests()
	var total int
	for _, req := range reqs {
		total += len(req.Body)
		for what, c := range canaries {
			for _, enc := range encodings(c) {
				if strings.Contains(req.URL, enc) {
					t.Errorf("%s %s: the URL holds the %s canary (%q)", req.Method, req.URL, what, enc)
				}
				if bytes.Contains(req.Body, []byte(enc)) {
					t.Errorf("%s %s: the body holds the %s canary (%q)", req.Method, req.URL, what, enc)
				}
			}
		}
	}
	if total < len(binBody) {
		t.Fatalf("the proxy saw %d bytes of request bodies in %d requests, less than the 5 MiB file: the browser did not talk through it", total, len(reqs))
	}
	seen := b.requestURLs()
	for _, u := range seen {
		if !strings.HasPrefix(u, proxy.URL+"/") && !strings.HasPrefix(u, "data:") && !strings.HasPrefix(u, "blob:") {
			t.Errorf("the page or its worker requested %s, not on its origin %s", u, proxy.URL)
		}
	}
	if onOrigin := len(seen) - strings.Count(strings.Join(seen, "\n"), "data:") - strings.Count(strings.Join(seen, "\n"), "blob:"); onOrigin < len(reqs) {
		t.Errorf("the DevTools events show %d requests, fewer than the %d the proxy forwarded: some page or worker is not watched", onOrigin, len(reqs))
	}
	// Whatever Chromium sends out goes through its egress proxy: on this
	// machine, only the page's origin; Chromium's own calls home (Debian
	// builds keep some) are refused there and only logged.
	egress := b.egressURLs()
	var own []string
	for _, u := range egress {
		if strings.HasPrefix(u, proxy.URL+"/") {
			continue
		}
		if h := egressHost(u); h == "127.0.0.1" || h == "localhost" || h == "::1" {
			t.Errorf("the browser sent a request to %s, not to the page's origin %s", u, proxy.URL)
		} else {
			own = append(own, h)
		}
	}
	if len(own) > 0 {
		t.Logf("Chromium's own requests, refused by the egress proxy: %s", strings.Join(own, ", "))
	}
	for _, e := range b.pageErrors() {
		t.Error(e)
	}
	t.Logf("%d requests through the proxy (%d bytes of bodies), %d in the DevTools events of the page and %d workers, %d canaries; %s",
		len(reqs), total, len(seen), b.workerCount(), len(canaries), time.Since(start).Round(100*time.Millisecond))
}
