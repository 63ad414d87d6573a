package main

import (
	"strings"
	"testing"
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
