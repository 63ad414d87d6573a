package server

import (
	"bytes"
	"crypto/sha256"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/server/workflow"
)

// The whole life of a case, with real keys: submission, both sides of the
// conversation, the workflow and its deadlines, identity release, evidence.
func TestHappyPath(t *testing.T) {
	e := newEnv(t)
	o := e.newOrg("mairie-exemple")

	var orgs api.Orgs
	e.must(req{method: "GET", path: "/api/v1/orgs"}, http.StatusOK, &orgs)
	if len(orgs.Orgs) != 1 || orgs.Orgs[0] != (api.OrgInfo{OrgID: o.id, Name: "Mairie " + o.id}) {
		t.Errorf("orgs = %+v (no fingerprint expected)", orgs)
	}
	if got := e.must(req{method: "GET", path: o.path("/directory")}, http.StatusOK, nil); !bytes.Equal(got.body, o.signed) {
		t.Error("the directory is not served verbatim")
	}

	// Submission with a real case code.
	rp := e.newReporter(o, caseSpec{realCode: true, meeting: true, identity: true})
	sub := e.submit(rp)
	cal := workflow.Calendar{}
	received := workflow.DateOf(t0)
	want := cal.Deadlines(workflow.Case{Received: received, MeetingRequested: received})
	if sub.Status != "received" || sub.Received != "2026-11-23" || sub.Deadlines.AckDue != "2026-12-02" ||
		sub.Deadlines.FeedbackDue != "2027-03-02" || sub.Deadlines.MeetingDue != want.MeetingDue.String() ||
		sub.Deadlines.TargetInformedDue != "2026-12-23" || sub.IdentityState != "sealed" || !sub.MeetingRequested ||
		len(sub.History) != 1 || sub.History[0] != (api.StatusChange{Status: "received", Day: "2026-11-23"}) {
		t.Errorf("submitted case: %+v", sub)
	}

	// The reporter's own file: only the reporter's wrap.
	var cf api.CaseFile
	e.must(req{method: "GET", path: rp.path("/file"), token: rp.token}, http.StatusOK, &cf)
	if len(cf.Wraps) != 1 || cf.Wraps[0].Reader != "reporter" || !bytes.Equal(cf.Report, rp.nc.Report) || !bytes.Equal(cf.Identity, rp.nc.Identity) {
		t.Fatalf("reporter's case file: %d wraps %+v", len(cf.Wraps), cf.Wraps)
	}
	k, err := casekey.Unwrap(casekey.Wrap{Reader: "reporter", Role: casekey.RoleCase, Generation: 1, Ciphertext: cf.Wraps[0].Ciphertext}, rp.lookup, rp.identity)
	if err != nil || !bytes.Equal(openWith(t, cf.Report, k.Identity()), rp.report) {
		t.Fatalf("the reporter cannot open their report: %v", err)
	}

	// Referents of the avdhas route list the case; the conflict referent does not.
	alice, bob, carol := e.login(o, "alice"), e.login(o, "bob"), e.login(o, "carol")
	for _, tc := range []struct {
		token string
		n     int
	}{{alice, 1}, {bob, 1}, {carol, 0}} {
		var in api.Inbox
		e.must(req{method: "GET", path: o.path("/referent/cases"), token: tc.token}, http.StatusOK, &in)
		if len(in.Cases) != tc.n || (tc.n == 1 && in.Cases[0].LookupID != rp.lookup) {
			t.Errorf("inbox: %+v, want %d case(s)", in, tc.n)
		}
	}

	// Alice opens the case: her wrap only; the fetch is recorded.
	e.must(req{method: "GET", path: refPath(o, rp.lookup, ""), token: alice}, http.StatusOK, &cf)
	if len(cf.Wraps) != 1 || cf.Wraps[0].Reader != "alice" {
		t.Fatalf("alice's wraps: %+v", cf.Wraps)
	}
	ak, err := casekey.Unwrap(casekey.Wrap{Reader: "alice", Role: casekey.RoleCase, Generation: 1, Ciphertext: cf.Wraps[0].Ciphertext}, rp.lookup, o.referents["alice"].Age)
	if err != nil || !bytes.Equal(openWith(t, cf.Report, ak.Identity()), rp.report) {
		t.Fatalf("alice cannot open the report: %v", err)
	}
	var log api.AccessLog
	e.must(req{method: "GET", path: refPath(o, rp.lookup, "/access"), token: bob}, http.StatusOK, &log)
	if len(log.Entries) != 1 || log.Entries[0].Referent != "alice" || log.Entries[0].What != "case" || !log.Entries[0].Time.Equal(t0.Truncate(time.Minute)) {
		t.Errorf("access log: %+v", log)
	}

	// Messages both ways, with read receipts.
	var posted api.Posted
	e.must(req{method: "POST", path: rp.path("/messages"), token: rp.token, body: api.PostEntry{Ciphertext: sealTo(t, rp.caseRecipient(), []byte("bonjour"))}}, http.StatusCreated, &posted)
	if posted.Seq != 1 {
		t.Errorf("first message seq %d", posted.Seq)
	}
	var page api.Entries
	e.must(req{method: "GET", path: refPath(o, rp.lookup, "/messages"), token: alice}, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Author != "reporter" || string(openWith(t, page.Entries[0].Ciphertext, ak.Identity())) != "bonjour" {
		t.Fatalf("alice reads %+v", page)
	}
	e.must(req{method: "POST", path: refPath(o, rp.lookup, "/messages"), token: alice, body: api.PostEntry{Ciphertext: sealTo(t, rp.caseRecipient(), []byte("accusé de réception"))}}, http.StatusCreated, &posted)
	e.must(req{method: "POST", path: refPath(o, rp.lookup, "/read"), token: alice, body: api.MarkRead{Seq: 1}}, http.StatusNoContent, nil)
	st := e.reporterStatus(rp)
	if st.Messages != 2 || st.UnreadByReporter != 1 || st.ReadByReferents != 1 || st.ReadByReporter != 0 {
		t.Errorf("before reading: %+v", st)
	}
	e.must(req{method: "GET", path: rp.path("/messages") + "?after=1", token: rp.token}, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Seq != 2 || page.Entries[0].Author != "alice" {
		t.Errorf("reporter reads %+v", page)
	}
	e.must(req{method: "POST", path: rp.path("/read"), token: rp.token, body: api.MarkRead{Seq: 2}}, http.StatusNoContent, nil)
	e.must(req{method: "POST", path: rp.path("/read"), token: rp.token, body: api.MarkRead{Seq: 1}}, http.StatusNoContent, nil) // never goes back
	if st := e.reporterStatus(rp); st.UnreadByReporter != 0 || st.ReadByReporter != 2 {
		t.Errorf("after reading: %+v", st)
	}

	// The workflow, a day at a time.
	steps := []struct {
		status string
		day    string
	}{{"acknowledged", "2026-11-24"}, {"in_analysis", "2026-11-25"}, {"oriented", "2026-12-01"}, {"closed", "2027-01-04"}}
	for _, step := range steps {
		d, _ := workflow.ParseDate(step.day)
		e.setNow(time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, time.UTC))
		alice, bob, carol = e.login(o, "alice"), e.login(o, "bob"), e.login(o, "carol")
		e.reporterLogin(rp)
		if step.status == "closed" {
			// The meeting was due before the closure and never held.
			var st api.CaseStatus
			e.must(req{method: "GET", path: rp.path(""), token: rp.token}, http.StatusOK, &st)
			if !slices.Equal(st.Overdue, []string{"meeting"}) {
				t.Errorf("overdue on %s: %v", step.day, st.Overdue)
			}
			var after api.CaseStatus
			e.must(req{method: "POST", path: refPath(o, rp.lookup, "/status"), token: bob, body: api.SetStatus{MeetingHeld: true}}, http.StatusOK, &after)
			if len(after.Overdue) != 0 {
				t.Errorf("overdue after the meeting: %v", after.Overdue)
			}
		}
		var st api.CaseStatus
		e.must(req{method: "POST", path: refPath(o, rp.lookup, "/status"), token: alice, body: api.SetStatus{Status: step.status}}, http.StatusOK, &st)
		if st.Status != step.status || st.History[len(st.History)-1] != (api.StatusChange{Status: step.status, Day: step.day}) {
			t.Errorf("after %s: %+v", step.status, st)
		}
		if step.status == "acknowledged" && st.Deadlines.FeedbackDue != "2027-02-24" {
			t.Errorf("feedback due %s after an acknowledgement on 24 November", st.Deadlines.FeedbackDue)
		}
	}
	st = e.reporterStatus(rp)
	if len(st.History) != 5 || st.Status != "closed" || len(st.Overdue) != 0 {
		t.Errorf("reporter's view of the closed case: %+v", st)
	}
	if r := e.do(req{method: "POST", path: refPath(o, rp.lookup, "/status"), token: alice, body: api.SetStatus{Status: "in_analysis"}}); r.status != http.StatusConflict {
		t.Errorf("reopening a closed case: %d", r.status)
	}
	e.must(req{method: "POST", path: refPath(o, rp.lookup, "/status"), token: alice, body: api.SetStatus{Status: "closed"}}, http.StatusOK, nil) // a retry is harmless

	// Identity: requested by a referent, released by the reporter.
	e.must(req{method: "POST", path: refPath(o, rp.lookup, "/identity-request"), token: alice, body: struct{}{}}, http.StatusOK, &st)
	if st.IdentityState != "requested" {
		t.Errorf("identity state %s after the request", st.IdentityState)
	}
	release := sealTo(t, rp.caseRecipient(), []byte(rp.idKey.String()))
	e.must(req{method: "PUT", path: rp.path("/identity-release"), token: rp.token, body: api.Blob{Ciphertext: release}}, http.StatusOK, &st)
	if st.IdentityState != "released" {
		t.Errorf("identity state %s after the release", st.IdentityState)
	}
	e.must(req{method: "GET", path: refPath(o, rp.lookup, ""), token: bob}, http.StatusOK, &cf)
	if !bytes.Equal(cf.IdentityRelease, release) || !bytes.Equal(cf.Identity, rp.nc.Identity) {
		t.Error("bob does not get the identity and its release")
	}

	// Evidence: three chunks, the second sent twice (a retry), then completed.
	evidence := sealTo(t, rp.caseRecipient(), randomBytes(150_000))
	fileID := "00112233445566778899aabbccddeeff"
	e.must(req{method: "POST", path: rp.path("/files"), token: rp.token, body: api.FileDecl{FileID: fileID, MaxCiphertextSize: int64(len(evidence)) + 4096}}, http.StatusCreated, nil)
	for i, n := 0, 0; n < len(evidence); i++ {
		chunk := evidence[n:min(len(evidence), n+api.ChunkSize)]
		put := req{method: "PUT", path: rp.path("/files/" + fileID + "/chunks/" + itoa(i)), token: rp.token, body: chunk, contentType: "application/octet-stream"}
		e.must(put, http.StatusNoContent, nil)
		if i == 1 {
			e.must(put, http.StatusNoContent, nil)
		}
		n += len(chunk)
	}
	sum := sha256.Sum256(evidence)
	var fs api.FileStatus
	e.must(req{method: "POST", path: rp.path("/files/" + fileID + "/complete"), token: rp.token, body: api.FileComplete{CiphertextSize: int64(len(evidence)), CiphertextSHA256: sum[:]}}, http.StatusOK, &fs)
	if !fs.Complete || fs.Chunks != 3 || fs.CiphertextSize != int64(len(evidence)) {
		t.Errorf("completed file: %+v", fs)
	}
	st = e.reporterStatus(rp)
	if len(st.Files) != 1 || !st.Files[0].Complete || !bytes.Equal(st.Files[0].CiphertextSHA256, sum[:]) || st.Files[0].Chunks != 3 {
		t.Errorf("files in the status: %+v", st.Files)
	}
	resp, err := e.ts.Client().Do(mustRequest(t, "GET", e.ts.URL+refPath(o, rp.lookup, "/files/"+fileID), bob))
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ContentLength != int64(len(evidence)) || !bytes.Equal(got, evidence) || resp.Header.Get("Content-Type") != "application/octet-stream" {
		t.Errorf("download: %d, length %d, equal %v", resp.StatusCode, resp.ContentLength, bytes.Equal(got, evidence))
	}

	// Notes, between referents only.
	e.must(req{method: "POST", path: refPath(o, rp.lookup, "/notes"), token: alice, body: api.PostEntry{Ciphertext: sealTo(t, rp.caseRecipient(), []byte("note"))}}, http.StatusCreated, nil)
	e.must(req{method: "GET", path: refPath(o, rp.lookup, "/notes"), token: bob}, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Author != "alice" {
		t.Errorf("notes: %+v", page)
	}
	if r := e.do(req{method: "GET", path: rp.path("/notes"), token: rp.token}); r.status != http.StatusNotFound && r.status != http.StatusMethodNotAllowed {
		t.Errorf("the reporter reaches notes: %d", r.status)
	}

	// Handover to carol: she now lists and opens the case.
	var acf api.CaseFile
	e.must(req{method: "GET", path: refPath(o, rp.lookup, ""), token: alice}, http.StatusOK, &acf)
	kr, err := casekey.OpenKeyring(rp.lookup, []casekey.Wrap{{Reader: "alice", Role: casekey.RoleCase, Generation: 1, Ciphertext: acf.Wraps[0].Ciphertext}}, o.referents["alice"].Age)
	if err != nil {
		t.Fatal(err)
	}
	cw, err := casekey.Rewrap(kr, rp.lookup, "carol", o.referents["carol"].Age.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	e.must(req{method: "POST", path: refPath(o, rp.lookup, "/wraps"), token: alice, body: api.AddWraps{Wraps: []api.Wrap{{Reader: "carol", Role: "case", Generation: 1, Ciphertext: cw[0].Ciphertext}}}}, http.StatusNoContent, nil)
	var in api.Inbox
	e.must(req{method: "GET", path: o.path("/referent/cases"), token: carol}, http.StatusOK, &in)
	if len(in.Cases) != 1 {
		t.Errorf("carol's inbox after the handover: %+v", in)
	}

	// Every referent fetch is in the log: who, what, to the minute.
	e.must(req{method: "GET", path: refPath(o, rp.lookup, "/access"), token: carol}, http.StatusOK, &log)
	var kinds []string
	for _, a := range log.Entries {
		kinds = append(kinds, a.Referent+":"+a.What)
	}
	for _, want := range []string{"alice:case", "alice:messages", "bob:case", "bob:evidence", "bob:notes"} {
		if !slices.Contains(kinds, want) {
			t.Errorf("access log %v lacks %s", kinds, want)
		}
	}
}

func mustRequest(t *testing.T, method, url, token string) *http.Request {
	t.Helper()
	r, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer "+token)
	return r
}
