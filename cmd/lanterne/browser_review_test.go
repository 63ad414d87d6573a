package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/lanterne/lanterne/client"
)

// TestBrowserReviewNamesReaders: the review step names who will read the
// report, by the rule the submission uses; excluding every referent who
// could read it is refused at step 7 with a message that says why, and
// nothing is sent.
func TestBrowserReviewNamesReaders(t *testing.T) {
	needBrowser(t)
	e := newWebEnv(t) // one referent, Alice, on every route
	b := newBrowser(t)
	b.open(e.page(e.server, "signaler", "fr"))
	b.waitJS("the verified directory", `(document.querySelector("[data-org-name]") || {}).textContent !== ""`)
	b.click("#ch-avdhas")
	b.click("#role-witness")
	b.click("#next")
	b.click("#cat-threats")
	b.click("#next")
	b.typeInto("#facts", "Des menaces répétées.")
	for range 4 { // steps 3 to 6
		b.click("#next")
	}
	b.waitVisible("#excl-alice")

	// Excluding Alice leaves nobody, on the channel or the conflict route.
	b.click("#excl-alice")
	b.click("#next")
	b.waitVisible("#form-error")
	if got, want := b.text("#form-error"), b.jsString("form.need.reader"); !strings.Contains(got, want) {
		t.Fatalf("error box says %q, want it to contain %q", got, want)
	}
	if !eval[bool](b, `!document.querySelector('.step[data-step="7"]').hidden`) {
		t.Fatal("the form moved past step 7 with nobody left to read the report")
	}

	// Without the exclusion, the review names Alice.
	b.click("#excl-alice")
	b.click("#next")
	b.waitVisible("#send")
	review := b.text("#review")
	if !strings.Contains(review, b.jsString("review.readers")) || !strings.Contains(review, "Alice") {
		t.Fatalf("the review does not say who will read the report: %q", review)
	}
}

// TestBrowserLanguageSwitchAsksFirst: the language switch reloads the
// page, which would erase what the reporter typed (nothing is kept as a
// draft); with text in the form it asks first, and "cancel" keeps the page
// and the text. An empty form switches at once.
func TestBrowserLanguageSwitchAsksFirst(t *testing.T) {
	needBrowser(t)
	e := newWebEnv(t)
	b := newBrowser(t)
	dialogs := make(chan string, 4)
	if err := chromedp.Listen(b.ctx, func(ev any) {
		if d, ok := ev.(*page.EventJavascriptDialogOpening); ok {
			dialogs <- d.Message
			go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}); err != nil {
		t.Fatal(err)
	}
	ready := `(document.querySelector("[data-org-name]") || {}).textContent !== ""`

	b.open(e.page(e.server, "signaler", "fr"))
	b.waitJS("the verified directory", ready)
	b.click("a.lang")
	b.waitJS("the English page", `document.documentElement.lang === "en"`)
	if len(dialogs) != 0 {
		t.Errorf("switching the language of an empty form asked %q", <-dialogs)
	}

	b.open("about:blank")
	b.open(e.page(e.server, "signaler", "fr"))
	b.waitJS("the verified directory", ready)
	b.click("#ch-avdhas")
	b.click("#role-victim")
	b.click("#next")
	b.click("#cat-threats")
	b.click("#next")
	b.typeInto("#facts", "Ce que j'ai écrit.")
	b.click("a.lang")
	select {
	case msg := <-dialogs:
		if want := b.jsString("lang.losechanges"); msg != want {
			t.Errorf("the switch asked %q, want %q", msg, want)
		}
	case <-time.After(stepTimeout):
		t.Fatal("switching the language of a filled form did not ask first")
	}
	b.waitJS("the French page, still there", `document.documentElement.lang === "fr"`)
	if got := eval[string](b, `document.getElementById("facts").value`); got != "Ce que j'ai écrit." {
		t.Errorf("after cancelling, the facts are %q", got)
	}
}

// TestBrowserScrubsFiles: a photo with GPS and EXIF (turned: orientation 6)
// and a PDF with an author, both naming "Camille Rapporteur", attached in
// the browser: the confirmation says in words what was removed and that the
// photo may show turned, and what the referent downloads no longer names
// anyone. The scrubbing happened in the browser, the only place that had
// the files in clear.
func TestBrowserScrubsFiles(t *testing.T) {
	needBrowser(t)
	e := newWebEnv(t)
	b := newBrowser(t)
	photo, pdf := "../../crypto/scrub/testdata/gps.jpg", "../../crypto/scrub/testdata/meta.pdf"
	for _, f := range []string{photo, pdf} {
		if b, err := os.ReadFile(f); err != nil || !bytes.Contains(b, []byte("Camille Rapporteur")) {
			t.Fatalf("%s: %v, or it lacks its metadata", f, err)
		}
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	b.open(e.page(e.server, "signaler", "fr"))
	b.waitJS("the verified directory", `(document.querySelector("[data-org-name]") || {}).textContent !== ""`)
	b.click("#ch-avdhas")
	b.click("#role-victim")
	b.click("#next")
	b.click("#cat-violence")
	b.click("#next")
	b.typeInto("#facts", "Photo et courrier joints.")
	b.click("#next")
	b.click("#next")
	b.do("attaching the files", stepTimeout, chromedp.SetUploadFiles(chromedp.CSS("#files"), []string{abs(photo), abs(pdf)}))
	for range 3 {
		b.click("#next")
	}
	b.click("#send")
	b.waitJS("the confirmation", `!document.getElementById("done").hidden && document.getElementById("case-code").textContent.length === 20`)
	receipt := b.text("#receipt-items")
	for _, key := range []string{"scrub.gps", "scrub.exif", "scrub.document-info", "item.rotated"} {
		if want := b.jsString(key); !strings.Contains(receipt, want) {
			t.Errorf("the acknowledgement does not say %q (%s): %q", want, key, receipt)
		}
	}
	code := b.text("#case-code")

	ctx := context.Background()
	rc := e.openCase(t, ctx, e.referent(t, ctx), code)
	msgs, err := rc.Messages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	items := client.EvidenceItems(msgs)
	if len(items) != 2 {
		t.Fatalf("the referent sees %d files, want 2", len(items))
	}
	for _, it := range items {
		var got bytes.Buffer
		if err := rc.Download(ctx, it, &got); err != nil {
			t.Fatalf("downloading %s: %v", it.Name, err)
		}
		if got.Len() == 0 || bytes.Contains(got.Bytes(), []byte("Camille Rapporteur")) {
			t.Errorf("%s (%d bytes) still names its author after the browser scrubbed it", it.Name, got.Len())
		}
	}
}
