package server

import (
	"bytes"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/server/api"
)

// A witness's case, its invitation, the presumed victim's thread and the
// consent a referent records.
func TestWitnessInvitation(t *testing.T) {
	e := newEnv(t)
	o := e.newOrg("cdg-69")
	witness := e.newReporter(o, caseSpec{witness: true})
	st := e.submit(witness)
	if !st.Witness || !st.AwaitingConsent {
		t.Fatalf("witness case: %+v", st)
	}

	// The witness's device makes an invitation code.
	code, err := casecode.Generate()
	if err != nil {
		t.Fatal(err)
	}
	is, err := casecode.Derive(o.id, casecode.PurposeInvitation, code)
	if err != nil {
		t.Fatal(err)
	}
	hash := casecode.AuthHash(is.AuthSecret[:])
	sealed := sealTo(t, is.ReporterIdentity.Recipient(), []byte(`{"org_id":"cdg-69","route":"avdhas"}`))
	inv := api.Invitation{LookupID: is.LookupIDHex(), AuthHash: hash[:], Ciphertext: sealed}
	var stBefore, stAfter api.CaseStatus
	e.must(req{method: "GET", path: witness.path(""), token: witness.token}, http.StatusOK, &stBefore)
	e.must(req{method: "POST", path: witness.path("/invitation"), token: witness.token, body: inv}, http.StatusNoContent, nil)
	e.must(req{method: "GET", path: witness.path(""), token: witness.token}, http.StatusOK, &stAfter)
	if stBefore.Invited || !stAfter.Invited {
		t.Errorf("the witness's status says invited %v before the invitation and %v after, want false then true", stBefore.Invited, stAfter.Invited)
	}
	other := inv
	other.LookupID = hex.EncodeToString(randomBytes(16))
	if r := e.do(req{method: "POST", path: witness.path("/invitation"), token: witness.token, body: other}); r.status != http.StatusConflict {
		t.Errorf("a second invitation: %d", r.status)
	}

	// The presumed victim reads it, at once or through a session.
	invPath := o.path("/invitations/" + is.LookupIDHex())
	var blob api.Blob
	e.must(req{method: "POST", path: invPath, body: api.SessionRequest{AuthSecret: is.AuthSecret[:]}}, http.StatusOK, &blob)
	if !bytes.Equal(blob.Ciphertext, sealed) {
		t.Error("the invitation read with its secret is not what was sealed")
	}
	var s api.Session
	e.must(req{method: "POST", path: invPath + "/session", body: api.SessionRequest{AuthSecret: is.AuthSecret[:]}}, http.StatusOK, &s)
	e.must(req{method: "GET", path: invPath, token: s.Token}, http.StatusOK, &blob)
	if !bytes.Equal(blob.Ciphertext, sealed) {
		t.Error("the invitation read in a session is not what was sealed")
	}
	wrong := req{method: "POST", path: invPath, body: api.SessionRequest{AuthSecret: randomBytes(32)}}
	unknown := req{method: "POST", path: o.path("/invitations/" + hex.EncodeToString(randomBytes(16))), body: api.SessionRequest{AuthSecret: randomBytes(32)}}
	r1, r2 := e.do(wrong), e.do(unknown)
	if r1.status != http.StatusUnauthorized || r2.status != http.StatusUnauthorized || r1.errorText(t) != r2.errorText(t) {
		t.Errorf("wrong secret %d %s, unknown invitation %d %s: want the same 401", r1.status, r1.body, r2.status, r2.body)
	}

	// The victim's own thread, redeeming the invitation.
	victim := e.newReporter(o, caseSpec{party: "victim"})
	victim.nc.Invitation = &api.Redeem{LookupID: is.LookupIDHex(), AuthSecret: is.AuthSecret[:]}
	before := e.digest()
	bad := *victim
	bad.nc.Invitation = &api.Redeem{LookupID: is.LookupIDHex(), AuthSecret: randomBytes(32)}
	if r := e.do(req{method: "POST", path: o.path("/cases"), body: bad.nc}); r.status != http.StatusUnauthorized {
		t.Errorf("redeeming with a wrong secret: %d %s", r.status, r.body)
	}
	if e.digest() != before {
		t.Error("a refused redemption changed the store")
	}
	e.submit(victim)
	if victim.nc.Wraps[len(victim.nc.Wraps)-1].Reader != "victim" {
		t.Fatal("test setup: the victim's wrap")
	}
	var cf api.CaseFile
	e.must(req{method: "GET", path: victim.path("/file"), token: victim.token}, http.StatusOK, &cf)
	if len(cf.Wraps) != 1 || cf.Wraps[0].Reader != "victim" || cf.Case.Linked != "" {
		t.Errorf("victim's file: wraps %+v, linked %q (the reporter side is not told the link)", cf.Wraps, cf.Case.Linked)
	}
	var p api.Posted
	e.must(req{method: "POST", path: victim.path("/messages"), token: victim.token, body: api.PostEntry{Ciphertext: sealTo(t, victim.caseRecipient(), []byte("consent_given"))}}, http.StatusCreated, &p)
	alice := e.login(o, "alice")
	var page api.Entries
	e.must(req{method: "GET", path: refPath(o, victim.lookup, "/messages"), token: alice}, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Author != "victim" {
		t.Errorf("victim's message: %+v", page)
	}
	if r := e.do(req{method: "POST", path: o.path("/cases"), body: e.newReporter(o, caseSpec{party: "victim"}).nc}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("a victim wrap without an invitation: %d", r.status)
	}
	again := e.newReporter(o, caseSpec{party: "victim"})
	again.nc.Invitation = victim.nc.Invitation
	if r := e.do(req{method: "POST", path: o.path("/cases"), body: again.nc}); r.status != http.StatusConflict {
		t.Errorf("redeeming twice: %d %s", r.status, r.body)
	}
	if r := e.do(req{method: "POST", path: invPath, body: api.SessionRequest{AuthSecret: is.AuthSecret[:]}}); r.status != http.StatusConflict {
		t.Errorf("reading a redeemed invitation: %d", r.status)
	}

	// The referent links the two and records the consent.
	var wst api.CaseStatus
	e.must(req{method: "GET", path: refPath(o, witness.lookup, ""), token: alice}, http.StatusOK, &cf)
	if cf.Case.Linked != victim.lookup || !cf.Case.AwaitingConsent {
		t.Errorf("witness case for a referent: linked %q awaiting %v", cf.Case.Linked, cf.Case.AwaitingConsent)
	}
	yes := true
	if r := e.do(req{method: "POST", path: refPath(o, victim.lookup, "/status"), token: alice, body: api.SetStatus{Consent: &yes}}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("consent on the victim thread: %d", r.status)
	}
	e.must(req{method: "POST", path: refPath(o, witness.lookup, "/status"), token: alice, body: api.SetStatus{Consent: &yes}}, http.StatusOK, &wst)
	if wst.AwaitingConsent || wst.ConsentGiven == nil || !*wst.ConsentGiven {
		t.Errorf("after consent: %+v", wst)
	}
	no := false
	if r := e.do(req{method: "POST", path: refPath(o, witness.lookup, "/status"), token: alice, body: api.SetStatus{Consent: &no}}); r.status != http.StatusConflict {
		t.Errorf("changing the recorded answer: %d", r.status)
	}
	if st := e.reporterStatus(witness); st.AwaitingConsent || st.Linked != "" {
		t.Errorf("witness's own view: %+v", st)
	}
	if r := e.do(req{method: "POST", path: victim.path("/invitation"), token: victim.token, body: other}); r.status != http.StatusUnprocessableEntity {
		t.Errorf("an invitation from a non-witness case: %d", r.status)
	}
}
