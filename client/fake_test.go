package client

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/evidence"
	"github.com/lanterne/lanterne/server/api"
)

// fakeServer is an in-memory stand-in for the server, implementing the
// routes this package calls, so that the package's flows are tested without
// the real server (integration_test.go runs them against it). It checks
// what a server can check (auth hashes, login signatures, chunk uploads)
// and nothing else.
type fakeServer struct {
	t   testing.TB
	o   *testOrg
	mux *http.ServeMux

	mu          sync.Mutex
	cases       map[string]*fakeCase
	invitations map[string]*fakeInvitation
	nonces      map[string]string // nonce hex → referent
	tokens      map[string]string // token → "case:<id>" or "referent:<id>"
	n           int
	// failChunk, when set, makes the first PUT of chunks with this index
	// fail with 503.
	failChunk map[uint32]bool
}

type fakeCase struct {
	status   api.CaseStatus
	authHash []byte
	report   []byte
	identity []byte
	release  []byte
	wraps    []api.Wrap
	messages []api.Entry
	notes    []api.Entry
	files    map[string]*fakeFile
}

type fakeFile struct {
	v    *evidence.ChunkVerifier
	data bytes.Buffer
	done bool
}

type fakeInvitation struct {
	authHash []byte
	blob     []byte
	redeemed bool
}

func newFakeServer(t testing.TB, o *testOrg) *fakeServer {
	f := &fakeServer{t: t, o: o, mux: http.NewServeMux(), cases: map[string]*fakeCase{},
		invitations: map[string]*fakeInvitation{}, nonces: map[string]string{}, tokens: map[string]string{}, failChunk: map[uint32]bool{}}
	p := "/api/v1/orgs/" + o.dir.OrgID
	m := f.mux
	m.HandleFunc("GET "+p+"/directory", func(w http.ResponseWriter, r *http.Request) { w.Write(o.signed) })
	m.HandleFunc("POST "+p+"/cases", f.newCase)
	m.HandleFunc("POST "+p+"/cases/{id}/session", f.session)
	m.HandleFunc("GET "+p+"/cases/{id}", f.party(func(w http.ResponseWriter, r *http.Request, c *fakeCase) { reply(w, c.status) }))
	m.HandleFunc("GET "+p+"/cases/{id}/file", f.party(func(w http.ResponseWriter, r *http.Request, c *fakeCase) {
		reply(w, api.CaseFile{Case: c.status, Wraps: wrapsFor(c, "reporter", "victim"), Report: c.report, Identity: c.identity, IdentityRelease: c.release})
	}))
	m.HandleFunc("GET "+p+"/cases/{id}/messages", f.party(f.getEntries(func(c *fakeCase) []api.Entry { return c.messages })))
	m.HandleFunc("POST "+p+"/cases/{id}/messages", f.party(f.postMessage))
	m.HandleFunc("POST "+p+"/cases/{id}/read", f.party(func(w http.ResponseWriter, r *http.Request, c *fakeCase) { w.WriteHeader(204) }))
	m.HandleFunc("POST "+p+"/cases/{id}/files", f.party(f.declareFile))
	m.HandleFunc("PUT "+p+"/cases/{id}/files/{file}/chunks/{n}", f.party(f.putChunk))
	m.HandleFunc("POST "+p+"/cases/{id}/files/{file}/complete", f.party(f.completeFile))
	m.HandleFunc("PUT "+p+"/cases/{id}/identity-release", f.party(func(w http.ResponseWriter, r *http.Request, c *fakeCase) {
		var b api.Blob
		if decode(w, r, &b) {
			c.release, c.status.IdentityState = b.Ciphertext, "released"
			w.WriteHeader(204)
		}
	}))
	m.HandleFunc("POST "+p+"/cases/{id}/invitation", f.party(func(w http.ResponseWriter, r *http.Request, c *fakeCase) {
		var in api.Invitation
		if decode(w, r, &in) {
			f.invitations[in.LookupID] = &fakeInvitation{authHash: in.AuthHash, blob: in.Ciphertext}
			w.WriteHeader(204)
		}
	}))
	m.HandleFunc("POST "+p+"/invitations/{lookup}", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		var sr api.SessionRequest
		inv := f.invitations[r.PathValue("lookup")]
		if !decode(w, r, &sr) {
			return
		}
		if inv == nil || !checkAuth(inv.authHash, sr.AuthSecret) {
			fail(w, 404, "no such invitation")
			return
		}
		if inv.redeemed {
			fail(w, 409, "the invitation was already answered")
			return
		}
		reply(w, api.Blob{Ciphertext: inv.blob})
	})
	m.HandleFunc("POST "+p+"/referent/challenge", f.challenge)
	m.HandleFunc("POST "+p+"/referent/session", f.referentSession)
	m.HandleFunc("GET "+p+"/referent/cases", f.inbox)
	m.HandleFunc("GET "+p+"/referent/cases/{id}", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, who string) {
		reply(w, api.CaseFile{Case: c.status, Wraps: wrapsFor(c, who), Report: c.report, Identity: c.identity, IdentityRelease: c.release})
	}))
	m.HandleFunc("GET "+p+"/referent/cases/{id}/messages", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, _ string) {
		f.getEntries(func(c *fakeCase) []api.Entry { return c.messages })(w, r, c)
	}))
	m.HandleFunc("POST "+p+"/referent/cases/{id}/messages", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, who string) {
		f.append(w, r, &c.messages, who)
	}))
	m.HandleFunc("GET "+p+"/referent/cases/{id}/notes", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, _ string) {
		f.getEntries(func(c *fakeCase) []api.Entry { return c.notes })(w, r, c)
	}))
	m.HandleFunc("POST "+p+"/referent/cases/{id}/notes", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, who string) {
		f.append(w, r, &c.notes, who)
	}))
	m.HandleFunc("POST "+p+"/referent/cases/{id}/read", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, _ string) { w.WriteHeader(204) }))
	m.HandleFunc("POST "+p+"/referent/cases/{id}/identity-request", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, _ string) {
		if c.status.IdentityState == "sealed" {
			c.status.IdentityState = "requested"
		}
		w.WriteHeader(204)
	}))
	m.HandleFunc("POST "+p+"/referent/cases/{id}/status", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, _ string) {
		var s api.SetStatus
		if decode(w, r, &s) {
			c.status.Status = s.Status
			c.status.History = append(c.status.History, api.StatusChange{Status: s.Status, Day: "2026-03-02"})
			reply(w, c.status)
		}
	}))
	m.HandleFunc("POST "+p+"/referent/cases/{id}/wraps", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, _ string) {
		var aw api.AddWraps
		if decode(w, r, &aw) {
			c.wraps = append(c.wraps, aw.Wraps...)
			w.WriteHeader(204)
		}
	}))
	m.HandleFunc("GET "+p+"/referent/cases/{id}/files/{file}", f.referent(func(w http.ResponseWriter, r *http.Request, c *fakeCase, _ string) {
		ff := c.files[r.PathValue("file")]
		if ff == nil || !ff.done {
			fail(w, 404, "no such file")
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write(ff.data.Bytes())
	}))
	return f
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func fail(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(api.Error{Error: msg})
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, api.MaxJSONBody)).Decode(v); err != nil {
		fail(w, 400, "malformed JSON")
		return false
	}
	return true
}

func checkAuth(hash, secret []byte) bool {
	var h [32]byte
	copy(h[:], hash)
	return len(hash) == 32 && casecode.CheckAuth(h, secret)
}

func wrapsFor(c *fakeCase, readers ...string) []api.Wrap {
	var out []api.Wrap
	for _, w := range c.wraps {
		for _, r := range readers {
			if w.Reader == r {
				out = append(out, w)
			}
		}
	}
	return out
}

func (f *fakeServer) token(subject string) string {
	f.n++
	tok := "tok" + strconv.Itoa(f.n)
	f.tokens[tok] = subject
	return tok
}

func (f *fakeServer) newCase(w http.ResponseWriter, r *http.Request) {
	var nc api.NewCase
	if !decode(w, r, &nc) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.cases[nc.LookupID]; ok {
		fail(w, 409, "case exists")
		return
	}
	c := &fakeCase{authHash: nc.AuthHash, report: nc.Report, identity: nc.Identity, release: nc.IdentityRelease, wraps: nc.Wraps, files: map[string]*fakeFile{}}
	c.status = api.CaseStatus{LookupID: nc.LookupID, Route: nc.Route, Channel: nc.Channel, Status: "received", Received: "2026-03-02",
		Witness: nc.Witness, MeetingRequested: nc.MeetingRequested, ReporterRecipient: nc.ReporterRecipient, IdentityState: "none"}
	switch {
	case nc.IdentityRelease != nil:
		c.status.IdentityState = "released"
	case nc.Identity != nil:
		c.status.IdentityState = "sealed"
	}
	if nc.Invitation != nil {
		inv := f.invitations[nc.Invitation.LookupID]
		if inv == nil || !checkAuth(inv.authHash, nc.Invitation.AuthSecret) {
			fail(w, 403, "invalid invitation")
			return
		}
		if inv.redeemed {
			fail(w, 409, "the invitation was already answered")
			return
		}
		inv.redeemed = true
		c.status.Linked = "witness-case"
	}
	f.cases[nc.LookupID] = c
	w.WriteHeader(201)
	reply(w, api.Submitted{Case: c.status})
}

func (f *fakeServer) session(w http.ResponseWriter, r *http.Request) {
	var sr api.SessionRequest
	if !decode(w, r, &sr) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.cases[r.PathValue("id")]
	if c == nil || !checkAuth(c.authHash, sr.AuthSecret) {
		fail(w, 403, "wrong code")
		return
	}
	reply(w, api.Session{Token: f.token("case:" + r.PathValue("id")), Expires: time.Now().Add(time.Hour)})
}

func (f *fakeServer) subject(r *http.Request) string {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return ""
	}
	return f.tokens[tok]
}

// party wraps a reporter-side handler: the token must be the case's.
func (f *fakeServer) party(h func(http.ResponseWriter, *http.Request, *fakeCase)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		c := f.cases[r.PathValue("id")]
		if c == nil || f.subject(r) != "case:"+r.PathValue("id") {
			fail(w, 401, "no session")
			return
		}
		h(w, r, c)
	}
}

// referent wraps a referent handler: the referent must hold a wrap.
func (f *fakeServer) referent(h func(http.ResponseWriter, *http.Request, *fakeCase, string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		who, ok := strings.CutPrefix(f.subject(r), "referent:")
		if !ok {
			fail(w, 401, "no session")
			return
		}
		c := f.cases[r.PathValue("id")]
		if c == nil || len(wrapsFor(c, who)) == 0 {
			fail(w, 404, "no such case")
			return
		}
		h(w, r, c, who)
	}
}

func (f *fakeServer) getEntries(list func(*fakeCase) []api.Entry) func(http.ResponseWriter, *http.Request, *fakeCase) {
	return func(w http.ResponseWriter, r *http.Request, c *fakeCase) {
		after, _ := strconv.ParseUint(r.URL.Query().Get("after"), 10, 64)
		out := api.Entries{Entries: []api.Entry{}}
		for _, e := range list(c) {
			if e.Seq > after && len(out.Entries) < 2 { // small pages, to test paging
				out.Entries = append(out.Entries, e)
			}
		}
		reply(w, out)
	}
}

func (f *fakeServer) append(w http.ResponseWriter, r *http.Request, list *[]api.Entry, author string) {
	var pe api.PostEntry
	if !decode(w, r, &pe) {
		return
	}
	seq := uint64(len(*list) + 1)
	*list = append(*list, api.Entry{Seq: seq, Author: author, Time: time.Now().UTC().Truncate(time.Minute), Ciphertext: pe.Ciphertext})
	reply(w, api.Posted{Seq: seq})
}

func (f *fakeServer) postMessage(w http.ResponseWriter, r *http.Request, c *fakeCase) {
	author := "reporter"
	if c.status.Linked != "" && !c.status.Witness {
		author = "victim"
	}
	f.append(w, r, &c.messages, author)
}

func (f *fakeServer) declareFile(w http.ResponseWriter, r *http.Request, c *fakeCase) {
	var d api.FileDecl
	if !decode(w, r, &d) {
		return
	}
	if d.MaxCiphertextSize <= 0 || d.MaxCiphertextSize > api.MaxFileCiphertext {
		fail(w, 413, "too large")
		return
	}
	c.files[d.FileID] = &fakeFile{v: evidence.NewChunkVerifier(d.MaxCiphertextSize)}
	w.WriteHeader(201)
}

func (f *fakeServer) putChunk(w http.ResponseWriter, r *http.Request, c *fakeCase) {
	ff := c.files[r.PathValue("file")]
	n, err := strconv.ParseUint(r.PathValue("n"), 10, 32)
	if ff == nil || err != nil {
		fail(w, 404, "no such file")
		return
	}
	if f.failChunk[uint32(n)] {
		delete(f.failChunk, uint32(n))
		fail(w, 503, "try again")
		return
	}
	var buf bytes.Buffer
	buf.ReadFrom(http.MaxBytesReader(w, r.Body, evidence.ChunkSize))
	dup, err := ff.v.Add(evidence.Chunk{Index: uint32(n), Data: buf.Bytes(), SHA256: sha256.Sum256(buf.Bytes())})
	if err != nil {
		fail(w, 409, err.Error())
		return
	}
	if !dup {
		ff.data.Write(buf.Bytes())
	}
	w.WriteHeader(204)
}

func (f *fakeServer) completeFile(w http.ResponseWriter, r *http.Request, c *fakeCase) {
	var fc api.FileComplete
	ff := c.files[r.PathValue("file")]
	if !decode(w, r, &fc) {
		return
	}
	var sum [32]byte
	copy(sum[:], fc.CiphertextSHA256)
	if ff == nil || ff.v.Finish(fc.CiphertextSize, sum) != nil {
		fail(w, 409, "mismatch")
		return
	}
	ff.done = true
	c.status.Files = append(c.status.Files, api.FileStatus{FileID: r.PathValue("file"), CiphertextSize: fc.CiphertextSize, CiphertextSHA256: fc.CiphertextSHA256, Complete: true})
	w.WriteHeader(204)
}

func (f *fakeServer) challenge(w http.ResponseWriter, r *http.Request) {
	var cr api.ChallengeRequest
	if !decode(w, r, &cr) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	nonce := make([]byte, 16)
	copy(nonce, strconv.Itoa(f.n+1000))
	f.n++
	f.nonces[hex.EncodeToString(nonce)] = cr.ReferentID
	reply(w, api.Challenge{Nonce: nonce, Expires: time.Now().Add(time.Minute)})
}

func (f *fakeServer) referentSession(w http.ResponseWriter, r *http.Request) {
	var cr api.ChallengeResponse
	if !decode(w, r, &cr) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	ref := f.o.dir.Referent(cr.ReferentID)
	key := hex.EncodeToString(cr.Nonce)
	if ref == nil || f.nonces[key] != cr.ReferentID ||
		!ed25519.Verify(ref.VerifyKey, api.LoginMessage(f.o.dir.OrgID, cr.ReferentID, cr.Nonce), cr.Signature) {
		fail(w, 403, "login refused")
		return
	}
	delete(f.nonces, key)
	reply(w, api.Session{Token: f.token("referent:" + cr.ReferentID), Expires: time.Now().Add(time.Hour)})
}

func (f *fakeServer) inbox(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	who, ok := strings.CutPrefix(f.subject(r), "referent:")
	if !ok {
		fail(w, 401, "no session")
		return
	}
	var in api.Inbox
	for _, c := range f.cases {
		if len(wrapsFor(c, who)) > 0 {
			in.Cases = append(in.Cases, c.status)
		}
	}
	reply(w, in)
}

// directoryRef returns the directory entry of id (test helper).
func (f *fakeServer) directoryRef(id string) *directory.Referent { return f.o.dir.Referent(id) }
