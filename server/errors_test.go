package server

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/lanterne/lanterne/crypto/directory/orgkey"
	"github.com/lanterne/lanterne/server/api"
)

// fixture is an organisation with a few cases, for tests of refused
// requests.
type fixture struct {
	e            *env
	o            *testOrg
	rp, rp2      *reporter // avdhas cases; rp has a declared file
	conflict     *reporter // involves the authority: carol reads it, alice does not
	alice, carol string
	fileID       string
}

func newFixture(t *testing.T) *fixture {
	e := newEnv(t)
	f := &fixture{e: e, o: e.newOrg("ville-test"), fileID: strings.Repeat("ab", 16)}
	f.rp = e.newReporter(f.o, caseSpec{})
	e.submit(f.rp)
	f.rp2 = e.newReporter(f.o, caseSpec{})
	e.submit(f.rp2)
	f.conflict = e.newReporter(f.o, caseSpec{involvesAuthority: true})
	e.submit(f.conflict)
	if f.conflict.nc.Route != "conflict" {
		t.Fatalf("conflict case routed to %s", f.conflict.nc.Route)
	}
	e.must(req{method: "POST", path: f.rp.path("/files"), token: f.rp.token, body: api.FileDecl{FileID: f.fileID, MaxCiphertextSize: 200_000}}, http.StatusCreated, nil)
	f.alice, f.carol = e.login(f.o, "alice"), e.login(f.o, "carol")
	return f
}

// withJSON returns v's JSON with the object edited by edit.
func withJSON(t *testing.T, v any, edit func(map[string]any)) []byte {
	t.Helper()
	b, _ := json.Marshal(v)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ = json.Marshal(m)
	return b
}

// Every refused request answers {"error"} with the right status and
// leaves the store exactly as it was.
func TestRefusedRequestsChangeNothing(t *testing.T) {
	f := newFixture(t)
	e, o, rp := f.e, f.o, f.rp

	newCase := func(edit func(nc *api.NewCase)) api.NewCase {
		nc := e.newReporter(o, caseSpec{}).nc
		if edit != nil {
			edit(&nc)
		}
		return nc
	}
	notAge := bytes.Repeat([]byte("plaintext "), 10)
	fresh := func() string { return hex.EncodeToString(randomBytes(16)) }
	chunk := func(n int, body []byte, ct string) req {
		return req{method: "PUT", path: rp.path("/files/" + f.fileID + "/chunks/" + itoa(n)), token: rp.token, body: body, contentType: ct}
	}
	otherSigner, err := orgkey.NewSigner(o.id)
	if err != nil {
		t.Fatal(err)
	}
	impostor := &testOrg{id: o.id, signer: otherSigner, referents: o.referents, routes: o.routes}

	tests := []struct {
		name   string
		r      req
		status int
		text   string
	}{
		// Submissions.
		{"oversized body", req{method: "POST", path: o.path("/cases"), body: bytes.Repeat([]byte(" "), api.MaxNewCaseBody+1)}, 413, "larger than"},
		{"malformed JSON", req{method: "POST", path: o.path("/cases"), body: []byte(`{"lookup_id":`)}, 400, "malformed JSON"},
		{"not an object", req{method: "POST", path: o.path("/cases"), body: []byte(`[1,2]`)}, 400, "JSON object"},
		{"two JSON values", req{method: "POST", path: o.path("/cases"), body: append(withJSON(t, newCase(nil), func(map[string]any) {}), []byte(" {}")...)}, 400, "data after"},
		{"unknown field", req{method: "POST", path: o.path("/cases"), body: withJSON(t, newCase(nil), func(m map[string]any) { m["ip_address"] = "10.0.0.1" })}, 400, `unknown field "ip_address"`},
		{"wrong type", req{method: "POST", path: o.path("/cases"), body: withJSON(t, newCase(nil), func(m map[string]any) { m["witness"] = "yes" })}, 400, `"witness"`},
		{"malformed base64", req{method: "POST", path: o.path("/cases"), body: withJSON(t, newCase(nil), func(m map[string]any) {
			m["wraps"].([]any)[1].(map[string]any)["ciphertext"] = "not*base64!"
		})}, 400, "wraps[1].ciphertext"},
		{"malformed base64 at the top", req{method: "POST", path: o.path("/cases"), body: withJSON(t, newCase(nil), func(m map[string]any) { m["auth_hash"] = "%%%" })}, 400, `"auth_hash"`},
		{"wrong content type", req{method: "POST", path: o.path("/cases"), body: withJSON(t, newCase(nil), func(map[string]any) {}), contentType: "text/plain"}, 415, "application/json"},
		{"bad lookup id", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.LookupID = strings.ToUpper(nc.LookupID) })}, 400, "lookup_id"},
		{"short auth hash", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.AuthHash = nc.AuthHash[:31] })}, 400, "auth_hash"},
		{"unknown referent", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.Wraps[0].Reader = "mallory" })}, 422, "no such referent"},
		{"referent of another route", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.Wraps[0].Reader = "carol" })}, 422, "does not serve"},
		{"no reporter wrap", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.Wraps = nc.Wraps[:len(nc.Wraps)-1] })}, 422, `"reporter"`},
		{"only the reporter", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.Wraps = nc.Wraps[len(nc.Wraps)-1:] })}, 422, "at least one referent"},
		{"staff wrap at submission", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.Wraps[0].Role = "staff" })}, 422, "generation 1"},
		{"report in clear", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.Report = notAge })}, 422, "not an age ciphertext"},
		{"report too large", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.Report = make([]byte, api.MaxReportCiphertext+1) })}, 413, `"report"`},
		{"release without identity", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.IdentityRelease = nc.Report })}, 422, "without identity"},
		{"unknown channel", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.Channel = "rumours" })}, 422, "channel"},
		{"bad reporter recipient", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) { nc.ReporterRecipient = "age1notarecipient" })}, 422, "reporter_recipient"},
		{"too many files", req{method: "POST", path: o.path("/cases"), body: newCase(func(nc *api.NewCase) {
			for range api.MaxFilesPerCase + 1 {
				nc.Files = append(nc.Files, api.FileDecl{FileID: fresh(), MaxCiphertextSize: 10})
			}
		})}, 422, "at most 50 files"},
		{"duplicate lookup id", req{method: "POST", path: o.path("/cases"), body: rp.nc}, 409, "already exists"},
		{"unknown organisation", req{method: "POST", path: "/api/v1/orgs/nowhere/cases", body: newCase(nil)}, 404, "no such organisation"},
		{"malformed organisation", req{method: "POST", path: "/api/v1/orgs/No_Where/cases", body: newCase(nil)}, 404, "no such organisation"},

		// Reporter sessions and routes.
		{"unknown case", req{method: "POST", path: o.path("/cases/" + fresh() + "/session"), body: api.SessionRequest{AuthSecret: randomBytes(32)}}, 401, "unknown case or wrong code"},
		{"wrong secret", req{method: "POST", path: rp.path("/session"), body: api.SessionRequest{AuthSecret: randomBytes(32)}}, 401, "unknown case or wrong code"},
		{"short secret", req{method: "POST", path: rp.path("/session"), body: api.SessionRequest{AuthSecret: randomBytes(16)}}, 400, "auth_secret"},
		{"no token", req{method: "POST", path: rp.path("/messages"), body: api.PostEntry{Ciphertext: rp.nc.Report}}, 401, "bearer"},
		{"forged token", req{method: "GET", path: rp.path(""), token: "forged"}, 401, "unknown or expired"},
		{"another case's token", req{method: "POST", path: rp.path("/messages"), token: f.rp2.token, body: api.PostEntry{Ciphertext: rp.nc.Report}}, 401, "not valid"},
		{"a referent's token", req{method: "GET", path: rp.path(""), token: f.alice}, 401, "not valid"},
		{"message in clear", req{method: "POST", path: rp.path("/messages"), token: rp.token, body: api.PostEntry{Ciphertext: notAge}}, 422, "not an age ciphertext"},
		{"message too large", req{method: "POST", path: rp.path("/messages"), token: rp.token, body: api.PostEntry{Ciphertext: make([]byte, api.MaxMessageCiphertext+1)}}, 413, "larger than"},
		{"read past the end", req{method: "POST", path: rp.path("/read"), token: rp.token, body: api.MarkRead{Seq: 7}}, 422, "past the last message"},
		{"bad page query", req{method: "GET", path: rp.path("/messages") + "?after=-1", token: rp.token}, 400, "after"},
		{"release without identity", req{method: "PUT", path: rp.path("/identity-release"), token: rp.token, body: api.Blob{Ciphertext: rp.nc.Report}}, 409, "no identity"},
		{"invitation from a reporter's case", req{method: "POST", path: rp.path("/invitation"), token: rp.token, body: api.Invitation{LookupID: fresh(), AuthHash: randomBytes(32), Ciphertext: rp.nc.Report}}, 422, "witness"},
		{"chunk over 64 KiB", chunk(0, make([]byte, api.ChunkSize+1), "application/octet-stream"), 413, "larger than 65536"},
		{"chunk of an undeclared file", req{method: "PUT", path: rp.path("/files/" + strings.Repeat("cd", 16) + "/chunks/0"), token: rp.token, body: rp.nc.Report, contentType: "application/octet-stream"}, 404, "no such file"},
		{"first chunk in clear", chunk(0, notAge, "application/octet-stream"), 422, "age"},
		{"chunk as JSON", chunk(0, rp.nc.Report, "application/json"), 415, "octet-stream"},
		{"empty chunk", chunk(1, []byte{}, "application/octet-stream"), 400, "empty"},
		{"chunk past the declared size", chunk(4, rp.nc.Report, "application/octet-stream"), 422, "past the declared size"},
		{"chunk number", chunk(0, rp.nc.Report, "application/octet-stream"), 0, ""}, // placeholder replaced below
		{"complete a file without chunks", req{method: "POST", path: rp.path("/files/" + f.fileID + "/complete"), token: rp.token, body: api.FileComplete{CiphertextSize: 1000, CiphertextSHA256: randomBytes(32)}}, 409, "misses chunks"},
		{"file too large", req{method: "POST", path: rp.path("/files"), token: rp.token, body: api.FileDecl{FileID: fresh(), MaxCiphertextSize: api.MaxFileCiphertext + 1}}, 413, "at most"},
		{"file declared again bigger", req{method: "POST", path: rp.path("/files"), token: rp.token, body: api.FileDecl{FileID: f.fileID, MaxCiphertextSize: 300_000}}, 409, "another size"},

		// Referents.
		{"unknown case", req{method: "GET", path: refPath(o, fresh(), ""), token: f.alice}, 404, "no such case"},
		{"excluded by conflict routing", req{method: "GET", path: refPath(o, f.conflict.lookup, ""), token: f.alice}, 404, "no such case"},
		{"excluded: messages", req{method: "GET", path: refPath(o, f.conflict.lookup, "/messages"), token: f.alice}, 404, "no such case"},
		{"excluded: posting", req{method: "POST", path: refPath(o, f.conflict.lookup, "/messages"), token: f.alice, body: api.PostEntry{Ciphertext: rp.nc.Report}}, 404, "no such case"},
		{"excluded: status", req{method: "POST", path: refPath(o, f.conflict.lookup, "/status"), token: f.alice, body: api.SetStatus{Status: "acknowledged"}}, 404, "no such case"},
		{"excluded: file", req{method: "GET", path: refPath(o, f.conflict.lookup, "/files/"+f.fileID), token: f.alice}, 404, "no such case"},
		{"excluded: access log", req{method: "GET", path: refPath(o, f.conflict.lookup, "/access"), token: f.alice}, 404, "no such case"},
		{"a reporter's token", req{method: "GET", path: o.path("/referent/cases"), token: rp.token}, 401, "not valid"},
		{"forbidden move", req{method: "POST", path: refPath(o, rp.lookup, "/status"), token: f.alice, body: api.SetStatus{Status: "oriented"}}, 409, "cannot go from received to oriented"},
		{"unknown status", req{method: "POST", path: refPath(o, rp.lookup, "/status"), token: f.alice, body: api.SetStatus{Status: "archived"}}, 422, "unknown status"},
		{"nothing to change", req{method: "POST", path: refPath(o, rp.lookup, "/status"), token: f.alice, body: api.SetStatus{}}, 422, "nothing"},
		{"meeting never asked", req{method: "POST", path: refPath(o, rp.lookup, "/status"), token: f.alice, body: api.SetStatus{MeetingHeld: true}}, 422, "no meeting"},
		{"identity never given", req{method: "POST", path: refPath(o, rp.lookup, "/identity-request"), token: f.alice}, 409, "no identity"},
		{"wrap to a stranger", req{method: "POST", path: refPath(o, rp.lookup, "/wraps"), token: f.alice, body: api.AddWraps{Wraps: []api.Wrap{{Reader: "mallory", Role: "case", Generation: 1, Ciphertext: rp.nc.Report}}}}, 422, "no such referent"},
		{"generation jump", req{method: "POST", path: refPath(o, rp.lookup, "/wraps"), token: f.alice, body: api.AddWraps{Wraps: []api.Wrap{{Reader: "carol", Role: "case", Generation: 3, Ciphertext: rp.nc.Report}}}}, 422, "generation"},
		{"staff key to the reporter", req{method: "POST", path: refPath(o, rp.lookup, "/wraps"), token: f.alice, body: api.AddWraps{Wraps: []api.Wrap{{Reader: "reporter", Role: "staff", Generation: 1, Ciphertext: rp.nc.Report}}}}, 422, "staff key"},
		{"existing wrap replaced", req{method: "POST", path: refPath(o, rp.lookup, "/wraps"), token: f.alice, body: api.AddWraps{Wraps: []api.Wrap{{Reader: "bob", Role: "case", Generation: 1, Ciphertext: rp.nc.Report}}}}, 409, "already stored"},
		{"incomplete file download", req{method: "GET", path: refPath(o, rp.lookup, "/files/"+f.fileID), token: f.alice}, 409, "not complete"},
		{"unknown referent challenge", req{method: "POST", path: o.path("/referent/challenge"), body: api.ChallengeRequest{ReferentID: "mallory"}}, 404, "no such referent"},

		// Directories and registration.
		{"directory replayed", req{method: "PUT", path: o.path("/directory"), body: o.signed}, 409, "not above"},
		{"directory rollback", req{method: "PUT", path: o.path("/directory"), body: e.sign(o, 1)}, 409, "not above"},
		{"directory of another key", req{method: "PUT", path: o.path("/directory"), body: e.sign(impostor, 5)}, 403, "fingerprint"},
		{"directory malformed", req{method: "PUT", path: o.path("/directory"), body: []byte(`{"directory":"e30=","key_id":"k","signature":"c2ln","extra":1}`)}, 400, "well-formed"},
		{"directory too large", req{method: "PUT", path: o.path("/directory"), body: make([]byte, api.MaxDirectory+1)}, 413, "larger than"},
		{"operator token wrong", req{method: "POST", path: "/api/v1/admin/orgs", token: "guess", body: api.RegisterOrg{OrgID: "x", Name: "X", Fingerprint: o.signer.Fingerprint()}}, 401, "operator"},
		{"operator token missing", req{method: "POST", path: "/api/v1/admin/orgs", body: api.RegisterOrg{OrgID: "x", Name: "X", Fingerprint: o.signer.Fingerprint()}}, 401, "operator"},
		{"organisation registered twice", req{method: "POST", path: "/api/v1/admin/orgs", token: operatorToken, body: api.RegisterOrg{OrgID: o.id, Name: "X", Fingerprint: o.signer.Fingerprint()}}, 409, "already registered"},
		{"bad fingerprint", req{method: "POST", path: "/api/v1/admin/orgs", token: operatorToken, body: api.RegisterOrg{OrgID: "autre", Name: "X", Fingerprint: "1234"}}, 422, "fingerprint"},
		{"unknown route", req{method: "GET", path: "/api/v1/nothing-here"}, 404, "no such route"},
		{"wrong method", req{method: "DELETE", path: rp.path("")}, 405, "method"},
	}
	for i := range tests {
		if tests[i].name == "chunk number" {
			tests[i].r.path = rp.path("/files/" + f.fileID + "/chunks/01")
			tests[i].status, tests[i].text = 400, "chunk number"
		}
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := e.digest()
			resp := e.do(tc.r)
			if resp.status != tc.status {
				t.Errorf("status %d, want %d: %s", resp.status, tc.status, resp.body)
			}
			contains(t, "error", resp.errorText(t), tc.text)
			if resp.header.Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", resp.header.Get("Content-Type"))
			}
			if e.digest() != before {
				t.Error("the store changed")
			}
		})
	}
}

// An unknown case and a wrong secret are told apart by nothing.
func TestNoCaseEnumeration(t *testing.T) {
	f := newFixture(t)
	wrong := f.e.do(req{method: "POST", path: f.rp.path("/session"), body: api.SessionRequest{AuthSecret: randomBytes(32)}})
	unknown := f.e.do(req{method: "POST", path: f.o.path("/cases/" + hex.EncodeToString(randomBytes(16)) + "/session"), body: api.SessionRequest{AuthSecret: randomBytes(32)}})
	if wrong.status != unknown.status || !bytes.Equal(wrong.body, unknown.body) {
		t.Errorf("wrong secret: %d %s; unknown case: %d %s", wrong.status, wrong.body, unknown.status, unknown.body)
	}
	// A referent who holds no wrap of a case gets what an unknown case gets.
	excluded := f.e.do(req{method: "GET", path: refPath(f.o, f.conflict.lookup, ""), token: f.alice})
	missing := f.e.do(req{method: "GET", path: refPath(f.o, hex.EncodeToString(randomBytes(16)), ""), token: f.alice})
	if excluded.status != http.StatusNotFound || !bytes.Equal(excluded.body, missing.body) {
		t.Errorf("excluded: %d %s; missing: %d %s", excluded.status, excluded.body, missing.status, missing.body)
	}
	var in api.Inbox
	f.e.must(req{method: "GET", path: f.o.path("/referent/cases"), token: f.alice}, http.StatusOK, &in)
	for _, c := range in.Cases {
		if c.LookupID == f.conflict.lookup {
			t.Error("alice lists the case that involves the authority")
		}
	}
	f.e.must(req{method: "GET", path: refPath(f.o, f.conflict.lookup, ""), token: f.carol}, http.StatusOK, nil)
}
