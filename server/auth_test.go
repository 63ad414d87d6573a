package server

import (
	"crypto/ed25519"
	"encoding/hex"
	"net/http"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/referentkey"
	"github.com/lanterne/lanterne/server/api"
)

// Wrong secrets lock a case with growing delays, whether it exists or not.
func TestRepeatedWrongSecrets(t *testing.T) {
	f := newFixture(t)
	e := f.e
	for name, path := range map[string]string{
		"known case":   f.rp.path("/session"),
		"unknown case": f.o.path("/cases/" + hex.EncodeToString(randomBytes(16)) + "/session"),
	} {
		t.Run(name, func(t *testing.T) {
			wrong := req{method: "POST", path: path, body: api.SessionRequest{AuthSecret: randomBytes(32)}}
			for i := range freeFailures {
				if r := e.do(wrong); r.status != http.StatusUnauthorized {
					t.Fatalf("attempt %d: %d", i+1, r.status)
				}
			}
			r := e.do(wrong)
			if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") != "2" {
				t.Fatalf("attempt %d: %d, Retry-After %q", freeFailures+1, r.status, r.header.Get("Retry-After"))
			}
			contains(t, "429", r.errorText(t), "too many")
			// Locked: even the right secret waits.
			if path == f.rp.path("/session") {
				right := req{method: "POST", path: path, body: api.SessionRequest{AuthSecret: f.rp.secret}}
				if r := e.do(right); r.status != http.StatusTooManyRequests {
					t.Errorf("right secret while locked: %d", r.status)
				}
			}
			// After the delay, one more failure doubles it.
			e.advance(2 * time.Second)
			if r := e.do(wrong); r.status != http.StatusUnauthorized {
				t.Fatalf("after the delay: %d", r.status)
			}
			if r := e.do(wrong); r.header.Get("Retry-After") != "4" {
				t.Errorf("second lock: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
			}
			e.advance(4 * time.Second)
			if path == f.rp.path("/session") {
				e.must(req{method: "POST", path: path, body: api.SessionRequest{AuthSecret: f.rp.secret}}, http.StatusOK, nil)
				// A success resets the count.
				if r := e.do(wrong); r.status != http.StatusUnauthorized {
					t.Errorf("after a success: %d", r.status)
				}
			}
		})
	}
	// Another case is not affected.
	e.must(req{method: "POST", path: f.rp2.path("/session"), body: api.SessionRequest{AuthSecret: f.rp2.secret}}, http.StatusOK, nil)
}

func TestReferentLogin(t *testing.T) {
	e := newEnv(t)
	o := e.newOrg("ville-a")
	challenge := func(name string) []byte {
		var ch api.Challenge
		e.must(req{method: "POST", path: o.path("/referent/challenge"), body: api.ChallengeRequest{ReferentID: name}}, http.StatusOK, &ch)
		if len(ch.Nonce) != 32 || !ch.Expires.Equal(e.now().Add(2*time.Minute)) {
			t.Fatalf("challenge: %+v", ch)
		}
		return ch.Nonce
	}
	respond := func(name string, nonce []byte, key ed25519.PrivateKey) *response {
		sig := ed25519.Sign(key, api.LoginMessage(o.id, name, nonce))
		return e.do(req{method: "POST", path: o.path("/referent/session"), body: api.ChallengeResponse{ReferentID: name, Nonce: nonce, Signature: sig}})
	}
	alice := o.referents["alice"].Signing
	stranger, err := referentkey.Generate("alice", agekey.Hybrid)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name string
		run  func() *response
		text string
	}{
		{"replayed challenge", func() *response {
			n := challenge("alice")
			if r := respond("alice", n, alice); r.status != http.StatusOK {
				t.Fatalf("first use: %d %s", r.status, r.body)
			}
			return respond("alice", n, alice)
		}, "already used"},
		{"expired challenge", func() *response {
			n := challenge("alice")
			e.advance(2*time.Minute + time.Second)
			return respond("alice", n, alice)
		}, "expired"},
		{"key not in the directory", func() *response { return respond("alice", challenge("alice"), stranger.Signing) }, "does not verify"},
		{"unknown nonce", func() *response { return respond("alice", randomBytes(32), alice) }, "unknown"},
		{"nonce of another referent", func() *response { return respond("bob", challenge("alice"), o.referents["bob"].Signing) }, "another referent"},
		{"nonce used by a failed attempt", func() *response {
			n := challenge("alice")
			respond("alice", n, stranger.Signing) // fails, consumes the nonce
			return respond("alice", n, alice)
		}, "already used"},
		{"signature over another organisation", func() *response {
			n := challenge("alice")
			sig := ed25519.Sign(alice, api.LoginMessage("ville-b", "alice", n))
			return e.do(req{method: "POST", path: o.path("/referent/session"), body: api.ChallengeResponse{ReferentID: "alice", Nonce: n, Signature: sig}})
		}, "does not verify"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.run()
			if r.status != http.StatusUnauthorized {
				t.Errorf("status %d: %s", r.status, r.body)
			}
			contains(t, "error", r.errorText(t), tc.text)
		})
	}

	// A session ends with its TTL, and when the directory drops the referent.
	tok := e.login(o, "bob")
	e.must(req{method: "GET", path: o.path("/referent/cases"), token: tok}, http.StatusOK, nil)
	e.advance(31 * time.Minute)
	if r := e.do(req{method: "GET", path: o.path("/referent/cases"), token: tok}); r.status != http.StatusUnauthorized {
		t.Errorf("after 31 minutes: %d", r.status)
	}
	tok = e.login(o, "bob")
	delete(o.referents, "bob")
	e.publish(o, 0)
	if r := e.do(req{method: "GET", path: o.path("/referent/cases"), token: tok}); r.status != http.StatusUnauthorized {
		t.Errorf("bob removed from the directory: %d", r.status)
	} else {
		contains(t, "removed referent", r.errorText(t), "no longer lists")
	}
	if r := e.do(req{method: "POST", path: o.path("/referent/challenge"), body: api.ChallengeRequest{ReferentID: "bob"}}); r.status != http.StatusNotFound {
		t.Errorf("challenge for a removed referent: %d", r.status)
	}
}

// A session belongs to one organisation: a referent of A gets nothing on
// B's routes, even when B has a referent of the same id.
func TestWrongOrganisation(t *testing.T) {
	e := newEnv(t)
	a, b := e.newOrg("ville-a"), e.newOrg("ville-b")
	rb := e.newReporter(b, caseSpec{})
	e.submit(rb)
	ra := e.newReporter(a, caseSpec{})
	e.submit(ra)
	aliceA := e.login(a, "alice")
	before := e.digest()
	for _, r := range []req{
		{method: "GET", path: b.path("/referent/cases"), token: aliceA},
		{method: "GET", path: refPath(b, rb.lookup, ""), token: aliceA},
		{method: "GET", path: refPath(b, rb.lookup, "/messages"), token: aliceA},
		{method: "POST", path: refPath(b, rb.lookup, "/status"), token: aliceA, body: api.SetStatus{Status: "acknowledged"}},
		{method: "GET", path: b.path("/cases/" + rb.lookup), token: ra.token},
		{method: "GET", path: b.path("/cases/" + ra.lookup), token: ra.token},
	} {
		resp := e.do(r)
		if resp.status != http.StatusUnauthorized {
			t.Errorf("%s %s: %d", r.method, r.path, resp.status)
		}
		contains(t, r.path, resp.errorText(t), "not valid")
	}
	// A's challenge cannot open a session on B.
	var ch api.Challenge
	e.must(req{method: "POST", path: a.path("/referent/challenge"), body: api.ChallengeRequest{ReferentID: "alice"}}, http.StatusOK, &ch)
	sig := ed25519.Sign(b.referents["alice"].Signing, api.LoginMessage(b.id, "alice", ch.Nonce))
	if r := e.do(req{method: "POST", path: b.path("/referent/session"), body: api.ChallengeResponse{ReferentID: "alice", Nonce: ch.Nonce, Signature: sig}}); r.status != http.StatusUnauthorized {
		t.Errorf("a nonce of A used on B: %d", r.status)
	}
	if e.digest() != before {
		t.Error("the store changed")
	}
}

func TestInboxPaging(t *testing.T) {
	e := newEnv(t)
	o := e.newOrg("ville-a")
	for range 3 {
		e.submit(e.newReporter(o, caseSpec{}))
	}
	tok := e.login(o, "bob")
	var in api.Inbox
	e.must(req{method: "GET", path: o.path("/referent/cases"), token: tok}, http.StatusOK, &in)
	if len(in.Cases) != 3 || in.Next != "" {
		t.Fatalf("inbox: %d cases, next %q", len(in.Cases), in.Next)
	}
	var rest api.Inbox
	e.must(req{method: "GET", path: o.path("/referent/cases") + "?after=" + in.Cases[0].LookupID, token: tok}, http.StatusOK, &rest)
	if len(rest.Cases) != 2 || rest.Cases[0].LookupID != in.Cases[1].LookupID {
		t.Errorf("after the first: %+v", rest)
	}
	if r := e.do(req{method: "GET", path: o.path("/referent/cases") + "?after=zz", token: tok}); r.status != http.StatusBadRequest {
		t.Errorf("bad after: %d", r.status)
	}
}
