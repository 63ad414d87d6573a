package main

// More of the reporter's pages in a real browser, flow by flow: the quick
// exit, declining an identity request, the presumed victim's answer to a
// witness's invitation with each decision, and a whole case in English.
// The harness is browser_helpers_test.go; what the browser part does not
// test is submitted through package client, which is faster.

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/server/api"
)

// defaultQuickExit is where "Quitter rapidement" leads when the
// installation sets nothing (server/web.Config.QuickExitURL).
const defaultQuickExit = "https://meteofrance.com/"

// history is the tab's session history, as the Back button sees it. While
// the tab changes renderer (a navigation to another site), the page is
// briefly not attached: it asks again.
func (b *browser) history() page.GetNavigationHistoryResult {
	b.t.Helper()
	var err error
	for range 50 {
		ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
		var h page.GetNavigationHistoryResult
		h, err = chromedp.Run(ctx, chromedp.NavigationEntries())
		cancel()
		if err == nil {
			return h
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.fatalf("reading the tab's history: %v", err)
	return page.GetNavigationHistoryResult{}
}

// historyURLs lists the history's addresses, the current one marked.
func historyURLs(h page.GetNavigationHistoryResult) string {
	var s []string
	for i, e := range h.Entries {
		if int64(i) == h.CurrentIndex {
			s = append(s, "["+e.URL+"]")
		} else {
			s = append(s, e.URL)
		}
	}
	return strings.Join(s, " → ")
}

// waitLeft waits until the tab's current history entry is on host, and
// returns the history then.
func (b *browser) waitLeft(host string) page.GetNavigationHistoryResult {
	b.t.Helper()
	deadline := time.Now().Add(stepTimeout)
	for {
		h := b.history()
		if h.CurrentIndex >= 0 && int(h.CurrentIndex) < len(h.Entries) {
			if u, err := url.Parse(h.Entries[h.CurrentIndex].URL); err == nil && u.Hostname() == host {
				return h
			}
		}
		if time.Now().After(deadline) {
			b.fatalf("the tab did not leave for %s within %s; history: %s", host, stepTimeout, historyURLs(h))
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// egressTo counts the requests the browser sent out to host.
func (b *browser) egressTo(host string) int {
	n := 0
	for _, u := range b.egressURLs() {
		if egressHost(u) == host {
			n++
		}
	}
	return n
}

// shown reports whether the element of the CSS selector is displayed.
func (b *browser) shown(sel string) bool {
	b.t.Helper()
	return eval[bool](b, fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.getClientRects().length > 0; })()`, sel))
}

// storedPin is what the tab's sessionStorage holds for the organisation's
// pinned fingerprint (null when nothing).
func (b *browser) storedPin(org string) *string {
	b.t.Helper()
	return eval[*string](b, fmt.Sprintf(`sessionStorage.getItem(%q)`, "lanterne.fp."+org))
}

// waitText waits until the text content of the element of the CSS
// selector, trimmed, is want.
func (b *browser) waitText(what, sel, want string) {
	b.t.Helper()
	if want == "" {
		b.t.Fatalf("%s: no expected text for %s", what, sel)
	}
	b.waitJS(what, fmt.Sprintf(`((document.querySelector(%q) || {}).textContent || "").trim() === %q`, sel, want))
}

// openFollowup opens the follow-up space at page and the case of code.
func (b *browser) openFollowup(page, code string) {
	b.t.Helper()
	b.open(page)
	b.waitVisible("form#login")
	b.typeInto("#code", code)
	b.click(`form#login [type="submit"]`)
	b.waitVisible("section#case")
}

// findMessages returns the verified messages of kind by author.
func findMessages(msgs []client.Message, kind envelope.MessageKind, author string) []client.Message {
	var out []client.Message
	for _, m := range msgs {
		if m.Verified && m.Kind == kind && m.Author == author {
			out = append(out, m)
		}
	}
	return out
}

// TestBrowserQuickExit: "Quitter rapidement" on the report form, with
// facts typed, leaves for the neutral page in place of the form (Back does
// not return to it) and forgets the tab's sessionStorage; three presses of
// Escape within 1.5 s do the same, and presses further apart do not. The
// neutral page is not reached for real: the egress proxy records the
// browser's attempt and refuses it. An ordinary navigation first proves
// that both checks can fail.
func TestBrowserQuickExit(t *testing.T) {
	needBrowser(t)
	e := newWebEnv(t)
	b := newBrowser(t)
	start := time.Now()
	origin := e.server
	exitURL, _ := url.Parse(defaultQuickExit)
	exitHost := exitURL.Hostname()
	form := e.page(origin, "signaler", "fr")
	elsewhere := origin + "/accessibilite" // same origin, no pin, no directory
	formPath := "/o/" + e.org + "/signaler"
	onForm := func(u string) bool { p, err := url.Parse(u); return err == nil && p.Path == formPath }

	openForm := func() {
		t.Helper()
		b.open(form)
		b.waitJS("the directory", `document.querySelector("#exclude input") !== null`)
		if got := b.storedPin(e.org); got == nil || *got != e.fp {
			b.fatalf("the form's tab holds pin %v in sessionStorage, want %s", got, e.fp)
		}
		if href := eval[string](b, `document.getElementById("quick-exit").href`); href != defaultQuickExit {
			t.Errorf("#quick-exit leads to %q, want the default %q", href, defaultQuickExit)
		}
		b.click("#ch-avdhas")
		b.click("#role-victim")
		b.click("#next")
		b.click("#cat-moral_harassment")
		b.click("#next")
		b.waitVisible("#facts")
		b.typeInto("#facts", "Des faits que personne ne doit voir sur cet écran.")
	}
	// left checks what the quick exit did: the neutral page was asked for,
	// it replaced the form in the history (same length, Back leads where
	// the tab was before the form), and sessionStorage is empty for a
	// fresh page of the origin in the same tab.
	left := func(how string, before page.GetNavigationHistoryResult, egressBefore int) {
		t.Helper()
		after := b.waitLeft(exitHost)
		if n := b.egressTo(exitHost); n <= egressBefore {
			t.Errorf("%s: the browser asked nothing of %s (egress: %v)", how, exitHost, b.egressURLs())
		}
		if len(after.Entries) != len(before.Entries) || after.CurrentIndex != before.CurrentIndex {
			t.Errorf("%s: the history went from %s to %s: the neutral page did not replace the form", how, historyURLs(before), historyURLs(after))
		}
		if i := after.CurrentIndex - 1; i >= 0 && onForm(after.Entries[i].URL) {
			t.Errorf("%s: Back returns to the form (history %s)", how, historyURLs(after))
		}
		b.open(elsewhere)
		if got := b.storedPin(e.org); got != nil {
			t.Errorf("%s: after the quick exit, a page of the same origin in the same tab still finds %q in sessionStorage", how, *got)
		}
		if n := eval[int](b, `sessionStorage.length`); n != 0 {
			t.Errorf("%s: sessionStorage keeps %d items after the quick exit", how, n)
		}
	}

	// The checks can fail: an ordinary navigation to the same address
	// keeps the form in the history and the pin in sessionStorage.
	b.open(elsewhere)
	b.open(form)
	b.waitJS("the directory", `document.querySelector("#exclude input") !== null`)
	before := b.history()
	b.do("an ordinary navigation", stepTimeout, chromedp.Evaluate[chromedp.Void](`location.assign(document.getElementById("quick-exit").href)`))
	after := b.waitLeft(exitHost)
	if len(after.Entries) != len(before.Entries)+1 || !onForm(after.Entries[after.CurrentIndex-1].URL) {
		t.Fatalf("the history check misses an ordinary navigation: %s, then %s", historyURLs(before), historyURLs(after))
	}
	b.open(elsewhere)
	if got := b.storedPin(e.org); got == nil || *got != e.fp {
		t.Fatalf("the sessionStorage check misses a pin kept across a navigation: %v", got)
	}

	// (a) The button.
	openForm()
	egress, before := b.egressTo(exitHost), b.history()
	b.click("#quick-exit")
	left("the #quick-exit button", before, egress)

	// (b) Escape, three times in a row. Presses 1.7 s apart do not leave.
	openForm()
	egress, before = b.egressTo(exitHost), b.history()
	b.press(kb.Escape)
	b.press(kb.Escape)
	time.Sleep(1700 * time.Millisecond)
	b.press(kb.Escape)
	time.Sleep(1700 * time.Millisecond)
	if loc := eval[string](b, `location.href`); !onForm(loc) || b.egressTo(exitHost) != egress {
		b.fatalf("two presses of Escape, then one 1.7 s later, left the form (now at %s)", loc)
	}
	if facts := eval[string](b, `document.getElementById("facts").value`); facts == "" {
		t.Error("Escape presses apart emptied the facts")
	}
	b.press(kb.Escape)
	b.press(kb.Escape)
	b.press(kb.Escape)
	left("Escape pressed three times", before, egress)

	for _, e := range b.pageErrors() {
		t.Error(e)
	}
	t.Logf("%s", time.Since(start).Round(100*time.Millisecond))
}

// TestBrowserIdentityDecline: a report with a sealed identity (submitted
// through package client); the referent asks for the identity; on the
// follow-up page the reporter sees the request, writes a word and refuses.
// The page says the refusal was sent and no longer offers to refuse; the
// referent reads the refusal with the word, and still not the identity.
func TestBrowserIdentityDecline(t *testing.T) {
	needBrowser(t)
	e := newWebEnv(t)
	ctx := context.Background()
	start := time.Now()
	name := "Camille " + rand.Text()[:8]
	rcpt, err := e.c.Submit(ctx, e.d, &client.Submission{
		Report: envelope.Report{Channel: envelope.ChannelAVDHAS, Role: envelope.RoleVictim, Category: envelope.CategoryMoralHarassment,
			Facts: "Des remarques humiliantes chaque lundi."},
		Identity:       &envelope.Identity{Name: name, Contact: "camille@example.org"},
		IdentityChoice: client.Sealed,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	code := rcpt.Code.String()
	rs := e.referent(t, ctx)
	rc := e.openCase(t, ctx, rs, code)
	if err := rc.RequestIdentity(ctx, "Accepteriez-vous de lever l'anonymat ?"); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	b.openFollowup(e.page(e.server, "suivi", "fr"), code)
	b.waitVisible("#identity-request")
	b.waitText("the identity requested", "#identity-state", b.jsString("followup.identity.requested"))
	if !b.shown("#decline-identity") {
		b.fatalf("the identity request shows no #decline-identity button")
	}
	word := "Non-merci-" + rand.Text()[:8]
	b.typeInto("#decline-text", word)
	b.click("#decline-identity")
	b.waitText("the refusal sent", "#identity-result", b.jsString("followup.identity.declined.done"))
	b.waitJS("the refusal in the conversation", fmt.Sprintf(`[...document.querySelectorAll("#messages li.mine .body")].some((e) => e.textContent.includes(%q))`, word))
	for _, sel := range []string{"#decline-identity", "#identity-request"} {
		if b.shown(sel) {
			t.Errorf("after the refusal the page still shows %s", sel)
		}
	}
	b.click("#refresh")
	b.waitText("the refresh", "#live", b.jsString("followup.refreshed"))
	if b.shown("#decline-identity") {
		t.Error("after Refresh the page offers #decline-identity again, for a request already refused")
	}

	if err := rc.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	msgs, err := rc.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := findMessages(msgs, envelope.MessageIdentityDecline, "reporter"); len(d) != 1 || d[0].Body != word {
		t.Errorf("the referent reads %d identity_decline messages %+v, want one with %q", len(d), d, word)
	}
	if id, state := rc.Identity(); id != nil || state == client.IdentityReleased {
		t.Errorf("after the refusal the referent reads identity %+v in state %q", id, state)
	}
	for _, e := range b.pageErrors() {
		t.Error(e)
	}
	t.Logf("%s", time.Since(start).Round(100*time.Millisecond))
}

// TestBrowserWitnessInvitationConsent: a witness's report (through package
// client); the witness's follow-up page makes an invitation code; the
// presumed victim opens it on the invitation page, reads the witness's
// word, answers and gives, refuses or puts off their consent, and gets a
// case code of their own. The referent reads the decision in the victim's
// thread (none when put off, until the victim gives it from the follow-up
// page), and the witness's case, linked to that thread, awaits the consent
// the referent records.
func TestBrowserWitnessInvitationConsent(t *testing.T) {
	needBrowser(t)
	e := newWebEnv(t)
	ctx := context.Background()
	rs := e.referent(t, ctx)
	for _, tc := range []struct {
		decision string
		kind     envelope.MessageKind // what the referent reads; "" for none
		done     string               // the confirmation's string
	}{
		{"give", envelope.MessageConsentGiven, "inv.done.given"},
		{"refuse", envelope.MessageConsentRefused, "inv.done.refused"},
		{"later", "", "inv.done.later"},
	} {
		t.Run(tc.decision, func(t *testing.T) {
			t.Parallel() // each its own cases and browser
			start := time.Now()
			wr, err := e.c.Submit(ctx, e.d, &client.Submission{Report: envelope.Report{
				Channel: envelope.ChannelAVDHAS, Role: envelope.RoleWitness, Category: envelope.CategoryMoralHarassment,
				Facts: "J'ai vu mon collègue se faire humilier en réunion."}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t)

			// The witness makes the invitation code.
			b.openFollowup(e.page(e.server, "suivi", "fr"), wr.Code.String())
			b.waitVisible("section#invite")
			word := "Je vous invite à donner votre version " + rand.Text()[:6] + "."
			b.typeInto("#invite-message", word)
			b.click("#make-invite")
			b.waitJS("the invitation code", `document.querySelector("#invite-code").textContent.trim().length === 20`)
			invitation := b.text("#invite-code")
			// One invitation per case: the button and the word are gone,
			// and a click all the same (by script) keeps the code shown.
			if b.shown("#make-invite") && eval[string](b, `document.getElementById("make-invite").getAttribute("aria-disabled") || ""`) != "true" {
				t.Error("with the invitation code shown, #make-invite can be clicked again")
			}
			if b.shown("#invite-message") {
				t.Error("with the invitation code shown, the page still offers #invite-message")
			}
			b.do("clicking the hidden #make-invite", stepTimeout, chromedp.Evaluate[chromedp.Void](`document.getElementById("make-invite").click()`))
			time.Sleep(time.Second)
			if got := b.text("#invite-code"); got != invitation {
				t.Errorf("after a second click on #make-invite, #invite-code reads %q, want the code %q", got, invitation)
			}
			if got := b.text("#invite-error"); got != "" {
				t.Errorf("after a second click on #make-invite, #invite-error reads %q", got)
			}
			b.click("#copy-invite")
			b.waitJS("the copy's result", fmt.Sprintf(`[%q, %q].includes(document.getElementById("invite-copy-status").textContent.trim())`,
				b.jsString("followup.invite.copied"), b.jsString("followup.invite.copyfailed")))

			// The presumed victim answers.
			b.open(e.page(e.server, "invitation", "fr"))
			b.typeInto("#inv-code", invitation)
			b.click(`form#inv-form [type="submit"]`)
			b.waitVisible("#inv-answer")
			if got := b.text("#inv-message"); got != word {
				t.Errorf("the invitation page shows the witness's word %q, want %q", got, word)
			}
			facts := "Ma version : c'est bien arrivé, " + rand.Text()[:6] + "."
			b.click("#inv-cat-moral_harassment")
			b.typeInto("#inv-facts", facts)
			b.click("#inv-consent-" + tc.decision)
			b.click("#inv-send")
			b.waitVisible("#done")
			b.waitJS("the victim's case code", `document.querySelector("#case-code").textContent.trim() !== ""`)
			victimCode := b.text("#case-code")
			if victimCode == wr.Code.String() {
				t.Fatal("the victim's thread has the witness's code")
			}
			b.waitText("the decision recorded", "#inv-decision-status", b.jsString(tc.done))
			if b.shown("#inv-decision-error") {
				t.Errorf("the confirmation shows an error: %s", b.text("#inv-decision-error"))
			}

			// What the referent reads in the victim's thread.
			vc := e.openCase(t, ctx, rs, victimCode)
			if r := vc.Report(); r.Facts != facts || r.Role != envelope.RoleVictim {
				t.Errorf("the referent reads the victim's facts %q, role %q; typed %q", r.Facts, r.Role, facts)
			}
			consents := func() (given, refused int) {
				t.Helper()
				msgs, err := vc.Messages(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return len(findMessages(msgs, envelope.MessageConsentGiven, "victim")), len(findMessages(msgs, envelope.MessageConsentRefused, "victim"))
			}
			given, refused := consents()
			switch want := tc.kind; {
			case want == envelope.MessageConsentGiven && (given != 1 || refused != 0),
				want == envelope.MessageConsentRefused && (given != 0 || refused != 1),
				want == "" && (given != 0 || refused != 0):
				t.Errorf("the referent reads %d consent_given and %d consent_refused messages in the victim's thread, want one %q", given, refused, want)
			}

			// The witness's case: linked to the victim's thread, awaiting
			// the consent that the referent records.
			wc, err := rs.Open(ctx, wr.LookupID)
			if err != nil {
				t.Fatal(err)
			}
			if st := wc.Case(); !st.Witness || !st.AwaitingConsent || st.ConsentGiven != nil || st.Linked != vc.LookupID() {
				t.Errorf("the referent's witness case: witness %v, awaiting consent %v, consent %v, linked %q (victim thread %s)",
					st.Witness, st.AwaitingConsent, st.ConsentGiven, st.Linked, vc.LookupID())
			}
			witness, err := e.c.OpenCase(ctx, e.d, wr.Code)
			if err != nil {
				t.Fatal(err)
			}
			witnessStatus := func() api.CaseStatus {
				t.Helper()
				st, err := witness.Status(ctx)
				if err != nil {
					t.Fatal(err)
				}
				return st
			}
			if st := witnessStatus(); !st.AwaitingConsent || st.ConsentGiven != nil {
				t.Errorf("the witness's status before the referent records the answer: awaiting %v, consent %v", st.AwaitingConsent, st.ConsentGiven)
			}

			// The victim's follow-up space: the decision sent, or, put
			// off, the question, confirmed in the page before it is sent.
			b.openFollowup(e.page(e.server, "suivi", "fr"), victimCode)
			b.waitVisible("section#consent")
			if b.shown("section#invite") {
				t.Error("the victim's thread offers to invite a victim")
			}
			sentLine := "followup.consent.sent.given"
			if tc.decision == "refuse" {
				sentLine = "followup.consent.sent.refused"
			}
			if tc.decision == "later" {
				if b.shown("#consent-state") {
					t.Errorf("before any decision the victim's page shows %q", b.text("#consent-state"))
				}
				b.click("#consent-no")
				b.waitVisible("#consent-confirm")
				b.waitText("the refusal to confirm", "#consent-confirm-text", b.jsString("followup.consent.confirm.refused"))
				if f := eval[string](b, focusedJS); f != "p#consent-confirm-text" {
					t.Errorf("the consent confirmation opened with the focus on %s, want its text", f)
				}
				b.click("#consent-confirm-cancel")
				b.waitJS("the consent confirmation closed", `document.getElementById("consent-confirm").hidden`)
				if f := eval[string](b, focusedJS); f != "button#consent-no" {
					t.Errorf("cancelling the consent confirmation left the focus on %s, want button#consent-no", f)
				}
				if given, refused := consents(); given != 0 || refused != 0 {
					t.Errorf("after #consent-no then cancel the referent reads %d consent_given and %d consent_refused messages, want none", given, refused)
				}
				b.click("#consent-yes")
				b.waitVisible("#consent-confirm")
				b.waitText("the consent to confirm", "#consent-confirm-text", b.jsString("followup.consent.confirm.given"))
				b.click("#consent-confirm-yes")
				b.waitText("the consent recorded", "#consent-result", b.jsString("followup.consent.given"))
				b.waitJS("the consent in the conversation", fmt.Sprintf(`[...document.querySelectorAll("#messages li.mine .body")].some((e) => e.textContent.startsWith(%q))`,
					b.jsString("followup.msg.consent_given")))
				if given, refused := consents(); given != 1 || refused != 0 {
					t.Errorf("after #consent-yes and its confirmation the referent reads %d consent_given and %d consent_refused messages, want one consent_given", given, refused)
				}
			}
			// The decision already sent is shown, and not asked again.
			prefix, _, _ := strings.Cut(b.jsString(sentLine), "{time}")
			b.waitJS("the decision sent", fmt.Sprintf(`!document.getElementById("consent-state").hidden && document.getElementById("consent-state").textContent.startsWith(%q)`, prefix))
			for _, sel := range []string{"#consent-yes", "#consent-no"} {
				if b.shown(sel) {
					t.Errorf("with the decision sent, the victim's page still offers %s", sel)
				}
			}

			// The referent records the victim's answer on the witness's
			// case; the witness's status says it.
			if tc.decision != "refuse" {
				yes := true
				if err := wc.UpdateStatus(ctx, api.SetStatus{Consent: &yes}, ""); err != nil {
					t.Fatal(err)
				}
			} else {
				no := false
				if err := wc.UpdateStatus(ctx, api.SetStatus{Consent: &no}, ""); err != nil {
					t.Fatal(err)
				}
			}
			if st := witnessStatus(); st.AwaitingConsent || st.ConsentGiven == nil || *st.ConsentGiven != (tc.decision != "refuse") {
				t.Errorf("the witness's status after the referent recorded %q: awaiting %v, consent %v", tc.decision, st.AwaitingConsent, st.ConsentGiven)
			}
			// The witness's follow-up page says it too.
			state := "followup.consent.state.given"
			if tc.decision == "refuse" {
				state = "followup.consent.state.refused"
			}
			b.open("about:blank") // the same address again would only change the fragment
			b.openFollowup(e.page(e.server, "suivi", "fr"), wr.Code.String())
			b.waitJS("the consent on the witness's page", fmt.Sprintf(`document.querySelector("#deadlines").textContent.includes(%q)`, b.jsString(state)))
			// The case has its one invitation: the reopened page says so
			// and offers no second one.
			b.waitText("the invitation already made", "#invite-error", b.jsString("followup.invite.conflict"))
			if got := b.text("#invite-code"); got != "" {
				t.Errorf("the reopened page's #invite-code reads %q", got)
			}
			if b.shown("#make-invite") {
				t.Error("the reopened page offers #make-invite for a case that already made its invitation")
			}
			for _, e := range b.pageErrors() {
				t.Error(e)
			}
			t.Logf("%s: %s", tc.decision, time.Since(start).Round(100*time.Millisecond))
		})
	}
}

// webStrings merges the strings of server/web/i18n/LANG/*.json.
func webStrings(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("..", "..", "server", "web", "i18n", lang, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no strings for %s: %v", lang, err)
	}
	out := map[string]string{}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// TestBrowserEnglishRoundTrip: a whole report through the form in
// English, every step's heading in English; the referent answers; the
// reporter follows the confirmation's link to the English follow-up page
// and reads the answer there.
func TestBrowserEnglishRoundTrip(t *testing.T) {
	needBrowser(t)
	en, fr := webStrings(t, "en"), webStrings(t, "fr")
	e := newWebEnv(t)
	ctx := context.Background()
	b := newBrowser(t)
	start := time.Now()
	str := func(key string) string {
		t.Helper()
		s, ok := en[key]
		if !ok || s == "" {
			t.Fatalf("no English string %q", key)
		}
		if s == fr[key] {
			t.Fatalf("the English string %q is the French one (%q): the check would not tell the languages apart", key, s)
		}
		return s
	}
	english := func(where string) {
		t.Helper()
		if lang := eval[string](b, `document.documentElement.lang`); lang != "en" {
			t.Errorf("%s: <html lang=%q>, want en", where, lang)
		}
	}
	heading := func(n int) {
		t.Helper()
		want := strings.NewReplacer("{n}", fmt.Sprint(n), "{total}", "8").Replace(str("js.stepof")) + " " + str(fmt.Sprintf("report.s%d", n))
		sel := fmt.Sprintf(`section.step[data-step="%d"] h2`, n)
		b.waitVisible(sel)
		if got := b.text(sel); got != want {
			t.Errorf("step %d's heading reads %q, want %q", n, got, want)
		}
	}

	b.open(e.page(e.server, "signaler", "en"))
	english("report form")
	if got := b.text("h1"); got != str("report.h1") {
		t.Errorf("the report form's heading reads %q, want %q", got, str("report.h1"))
	}
	b.waitJS("the directory", `document.querySelector("#exclude input") !== null`)
	facts := "Every Monday my manager mocks me in front of the team " + rand.Text()[:6] + "."
	heading(1)
	b.click("#ch-avdhas")
	b.click("#role-victim")
	b.click("#next")
	heading(2)
	if got, want := b.text(`label[for="cat-moral_harassment"]`), envelope.CategoryLabel(envelope.CategoryMoralHarassment, "en"); got != want {
		t.Errorf("the category reads %q, want %q", got, want)
	}
	b.click("#cat-moral_harassment")
	b.click("#next")
	heading(3)
	b.typeInto("#facts", facts)
	b.typeInto("#when", "Since March")
	for n := 4; n <= 8; n++ {
		b.click("#next")
		heading(n)
	}
	if got := b.text("#send"); got != str("report.send") {
		t.Errorf("the send button reads %q, want %q", got, str("report.send"))
	}
	b.click("#send")
	b.waitVisible("#done")
	b.waitJS("the case code", `document.querySelector("#case-code").textContent.trim() !== ""`)
	code := b.text("#case-code")
	english("confirmation")
	if got := b.text("#done-h2"); got != str("confirm.h2") {
		t.Errorf("the confirmation's heading reads %q, want %q", got, str("confirm.h2"))
	}

	rs := e.referent(t, ctx)
	rc := e.openCase(t, ctx, rs, code)
	if r := rc.Report(); r.Facts != facts || r.When != "Since March" {
		t.Errorf("the referent reads facts %q, when %q", r.Facts, r.When)
	}
	answer := "Thank you, we have received your report " + rand.Text()[:6] + "."
	if _, err := rc.Reply(ctx, answer); err != nil {
		t.Fatal(err)
	}

	// The reporter checks the code they wrote down (until then the site's
	// links ask before leaving the only page that shows it), then the
	// confirmation's link to the follow-up space keeps the language.
	b.typeInto("#retype-code", code)
	b.click(`form#retype [type="submit"]`)
	b.waitText("the code checked", "#retype-result", str("js.confirm.retype.ok"))
	b.click("#to-followup")
	b.waitJS("the follow-up page", `location.pathname.endsWith("/suivi") && document.readyState === "complete"`)
	if q := eval[string](b, `location.search`); q != "?lang=en" {
		t.Errorf("the confirmation's link leads to the follow-up page with query %q, want ?lang=en", q)
	}
	english("follow-up page")
	if got := b.text("h1"); got != str("followup.h1") {
		t.Errorf("the follow-up page's heading reads %q, want %q", got, str("followup.h1"))
	}
	b.waitVisible("form#login")
	b.typeInto("#code", code)
	b.click(`form#login [type="submit"]`)
	b.waitVisible("section#case")
	b.waitJS("the referent's answer", fmt.Sprintf(`[...document.querySelectorAll("#messages li:not(.mine) .body")].some((e) => e.textContent === %q)`, answer))
	if got := b.text("#case-h2"); got != str("followup.case.h2") {
		t.Errorf("the case's heading reads %q, want %q", got, str("followup.case.h2"))
	}
	status := strings.NewReplacer("{status}", str("js.status.received")).Replace(str("js.followup.status.line"))
	status, _, _ = strings.Cut(status, "{day}")
	if got := b.text("#status-text"); !strings.HasPrefix(got, status) {
		t.Errorf("the status reads %q, want it to begin with %q", got, status)
	}
	if got := b.text("#identity-state"); got != str("js.followup.identity.none") {
		t.Errorf("the identity state reads %q, want %q", got, str("js.followup.identity.none"))
	}
	for _, e := range b.pageErrors() {
		t.Error(e)
	}
	t.Logf("%s", time.Since(start).Round(100*time.Millisecond))
}
