package server

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"filippo.io/age"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/directory/orgkey"
	"github.com/lanterne/lanterne/crypto/referentkey"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/store"
)

const operatorToken = "operator-secret-token-for-tests"

// t0 is a Monday morning in Paris.
var t0 = time.Date(2026, 11, 23, 10, 4, 37, 0, time.FixedZone("CET", 3600))

// syncBuffer is a log sink safe for concurrent handlers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// env is a server on a real store, with a clock the test moves.
type env struct {
	t     *testing.T
	st    *store.BoltStore
	srv   *Server
	ts    *httptest.Server
	logs  *syncBuffer
	mu    sync.Mutex
	clock time.Time
	orgs  map[string]*testOrg
}

type envOption func(*Config)

func newEnv(t *testing.T, opts ...envOption) *env {
	t.Helper()
	return newEnvWithStore(t, store.Options{}, opts...)
}

func newEnvWithStore(t *testing.T, so store.Options, opts ...envOption) *env {
	t.Helper()
	so.BatchDelay = time.Millisecond
	st, err := store.Open(filepath.Join(t.TempDir(), "lanterne.db"), so)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, st: st, logs: &syncBuffer{}, clock: t0, orgs: map[string]*testOrg{}}
	cfg := Config{
		Store:         st,
		Logger:        slog.New(slog.NewJSONHandler(e.logs, nil)),
		Now:           e.now,
		OperatorToken: operatorToken,
		TLS:           true,
	}
	for _, o := range opts {
		o(&cfg)
	}
	e.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.ts = httptest.NewServer(e.srv.Handler())
	t.Cleanup(e.ts.Close)
	return e
}

func (e *env) now() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.clock
}

func (e *env) setNow(t time.Time) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.clock = t
}

func (e *env) advance(d time.Duration) { e.setNow(e.now().Add(d)) }

// response is a finished HTTP exchange.
type response struct {
	status int
	header http.Header
	body   []byte
}

// errorText is the body's {"error"}, failing the test if the body is not
// exactly that shape.
func (r *response) errorText(t *testing.T) string {
	t.Helper()
	var e api.Error
	d := json.NewDecoder(bytes.NewReader(r.body))
	d.DisallowUnknownFields()
	if err := d.Decode(&e); err != nil || e.Error == "" {
		t.Fatalf("status %d: body is not {\"error\": ...}: %q", r.status, r.body)
	}
	return e.Error
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("status %d: cannot decode %q: %v", r.status, r.body, err)
	}
}

// req describes a request: body is JSON-encoded unless it is a []byte,
// which is sent as is (with contentType, application/json by default).
type req struct {
	method, path, token string
	body                any
	contentType         string
}

func (e *env) do(r req) *response {
	e.t.Helper()
	var body io.Reader
	ct := r.contentType
	switch b := r.body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
		if ct == "" {
			ct = "application/json"
		}
	default:
		j, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(j)
		if ct == "" {
			ct = "application/json"
		}
	}
	hr, err := http.NewRequest(r.method, e.ts.URL+r.path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if ct != "" {
		hr.Header.Set("Content-Type", ct)
	}
	if r.token != "" {
		hr.Header.Set("Authorization", "Bearer "+r.token)
	}
	resp, err := e.ts.Client().Do(hr)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return &response{status: resp.StatusCode, header: resp.Header, body: b}
}

// must performs r and fails the test unless the status is want.
func (e *env) must(r req, want int, out any) *response {
	e.t.Helper()
	resp := e.do(r)
	if resp.status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", r.method, r.path, resp.status, want, resp.body)
	}
	if out != nil {
		resp.decode(e.t, out)
	}
	return resp
}

// digest hashes everything the store holds.
func (e *env) digest() string {
	e.t.Helper()
	h := sha256.New()
	err := e.st.Walk(e.t.Context(), func(it store.Item) error {
		fmt.Fprintf(h, "%s|%s|%s|%s|%d|", it.Kind, it.Org, it.Case, it.Key, len(it.Raw))
		h.Write(it.Raw)
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// testOrg is an organisation with its signing key and referents.
type testOrg struct {
	id        string
	signer    *orgkey.Signer
	referents map[string]*referentkey.Key
	routes    map[string][]directory.RouteID
	version   uint64
	dir       *directory.Directory
	signed    []byte
}

func (o *testOrg) path(rest string) string { return "/api/v1/orgs/" + o.id + rest }

// newOrg makes an organisation whose referents are alice (avdhas and
// whistleblowing), bob (avdhas) and carol (conflict), registers and
// publishes it.
func (e *env) newOrg(id string) *testOrg {
	e.t.Helper()
	signer, err := orgkey.NewSigner(id)
	if err != nil {
		e.t.Fatal(err)
	}
	o := &testOrg{id: id, signer: signer, referents: map[string]*referentkey.Key{}, routes: map[string][]directory.RouteID{
		"alice": {directory.RouteAVDHAS, directory.RouteWhistleblowing},
		"bob":   {directory.RouteAVDHAS},
		"carol": {directory.RouteConflict},
	}}
	for name := range o.routes {
		k, err := referentkey.Generate(name, agekey.Hybrid)
		if err != nil {
			e.t.Fatal(err)
		}
		o.referents[name] = k
	}
	e.orgs[id] = o
	e.must(req{method: "POST", path: "/api/v1/admin/orgs", token: operatorToken,
		body: api.RegisterOrg{OrgID: id, Name: "Mairie " + id, Fingerprint: signer.Fingerprint()}}, http.StatusCreated, nil)
	e.publish(o, 0)
	return o
}

// sign makes the next version of o's directory, issued at now and valid
// for 90 days; version 0 means the next one.
func (e *env) sign(o *testOrg, version uint64) []byte {
	e.t.Helper()
	if version == 0 {
		version = o.version + 1
	}
	now := e.now().UTC()
	d := &directory.Directory{
		Format: directory.Format, OrgID: o.id, OrgName: "Mairie " + o.id, Version: version,
		IssuedAt: now.Add(-time.Hour), ExpiresAt: now.AddDate(0, 0, 90), CaseKeyKind: agekey.Hybrid,
		Routes: []directory.Route{
			{ID: directory.RouteAVDHAS, Names: map[string]string{"fr": "AVDHAS", "en": "AVDHAS"}},
			{ID: directory.RouteWhistleblowing, Names: map[string]string{"fr": "Alerte", "en": "Whistleblowing"}},
			{ID: directory.RouteConflict, Names: map[string]string{"fr": "Conflit", "en": "Conflict"}},
		},
	}
	for _, name := range []string{"alice", "bob", "carol"} {
		k, ok := o.referents[name]
		if !ok {
			continue
		}
		pub := k.Public()
		pub.Name, pub.Routes = "Référent "+name, o.routes[name]
		d.Referents = append(d.Referents, pub)
	}
	signed, err := o.signer.Sign(d)
	if err != nil {
		e.t.Fatal(err)
	}
	return signed
}

// publish signs and publishes the next directory.
func (e *env) publish(o *testOrg, version uint64) {
	e.t.Helper()
	signed := e.sign(o, version)
	e.must(req{method: "PUT", path: o.path("/directory"), body: signed}, http.StatusNoContent, nil)
	d, err := directory.Verify(signed, o.signer.Fingerprint(), 0, e.now())
	if err != nil {
		e.t.Fatal(err)
	}
	o.version, o.dir, o.signed = d.Version, d, signed
}

// login opens a referent session.
func (e *env) login(o *testOrg, name string) string {
	e.t.Helper()
	var ch api.Challenge
	e.must(req{method: "POST", path: o.path("/referent/challenge"), body: api.ChallengeRequest{ReferentID: name}}, http.StatusOK, &ch)
	sig := ed25519.Sign(o.referents[name].Signing, api.LoginMessage(o.id, name, ch.Nonce))
	var s api.Session
	e.must(req{method: "POST", path: o.path("/referent/session"), body: api.ChallengeResponse{ReferentID: name, Nonce: ch.Nonce, Signature: sig}}, http.StatusOK, &s)
	return s.Token
}

// reporter is a reporter's device: its secrets, keys and the case it made.
type reporter struct {
	org      *testOrg
	lookup   string
	secret   []byte
	identity *agekey.Identity // the reporter's own age identity
	idKey    *agekey.Identity // seals the identity envelope
	kr       *casekey.Keyring
	nc       api.NewCase
	report   []byte // plaintext
	token    string
	party    string
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// sealTo age-encrypts plaintext to r.
func sealTo(t *testing.T, r age.Recipient, plaintext []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plaintext)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func openWith(t *testing.T, ct []byte, ids ...age.Identity) []byte {
	t.Helper()
	r, err := age.Decrypt(bytes.NewReader(ct), ids...)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// caseSpec says what report a reporter makes.
type caseSpec struct {
	channel           directory.RouteID
	involvesAuthority bool
	excluded          []string
	witness, meeting  bool
	identity          bool
	realCode          bool   // derive the secrets from a case code (slow, Argon2id)
	party             string // "reporter" (default) or "victim"
}

// newReporter prepares a submission, as a reporter's device does, with real
// keys and wraps (casekey.NewCase).
func (e *env) newReporter(o *testOrg, spec caseSpec) *reporter {
	e.t.Helper()
	rp := &reporter{org: o, party: "reporter"}
	if spec.party != "" {
		rp.party = spec.party
	}
	if spec.realCode {
		code, err := casecode.Generate()
		if err != nil {
			e.t.Fatal(err)
		}
		sec, err := casecode.Derive(o.id, casecode.PurposeCase, code)
		if err != nil {
			e.t.Fatal(err)
		}
		rp.lookup, rp.secret, rp.identity, rp.idKey = sec.LookupIDHex(), sec.AuthSecret[:], sec.ReporterIdentity, sec.IdentityKey
	} else {
		var err error
		rp.lookup, rp.secret = hex.EncodeToString(randomBytes(16)), randomBytes(32)
		if rp.identity, err = agekey.Generate(agekey.Hybrid); err != nil {
			e.t.Fatal(err)
		}
		if rp.idKey, err = agekey.Generate(agekey.Hybrid); err != nil {
			e.t.Fatal(err)
		}
	}
	if spec.channel == "" {
		spec.channel = directory.RouteAVDHAS
	}
	kr, wraps, route, err := casekey.NewCase(o.dir, rp.lookup, spec.channel, spec.involvesAuthority, spec.excluded, rp.identity.Recipient())
	if err != nil {
		e.t.Fatal(err)
	}
	if rp.party == "victim" {
		wraps[len(wraps)-1].Reader = "victim"
	}
	rp.kr = kr
	rp.report = []byte("Faits: propos humiliants répétés en réunion. " + rp.lookup[:4])
	hash := casecode.AuthHash(rp.secret)
	rp.nc = api.NewCase{
		LookupID: rp.lookup, AuthHash: hash[:], ReporterRecipient: rp.identity.Recipient().String(),
		Route: string(route), Channel: string(spec.channel), Witness: spec.witness, MeetingRequested: spec.meeting,
		Report: sealTo(e.t, rp.caseRecipient(), rp.report),
	}
	if spec.identity {
		rp.nc.Identity = sealTo(e.t, rp.idKey.Recipient(), []byte(`{"name":"Camille Martin"}`))
	}
	for _, w := range wraps {
		rp.nc.Wraps = append(rp.nc.Wraps, api.Wrap{Reader: w.Reader, Role: string(w.Role), Generation: w.Generation, Ciphertext: w.Ciphertext})
	}
	return rp
}

func (rp *reporter) caseRecipient() age.Recipient {
	return rp.kr.Current(casekey.RoleCase).Recipient()
}

func (rp *reporter) path(rest string) string { return rp.org.path("/cases/" + rp.lookup + rest) }

// submit sends the case and opens a session.
func (e *env) submit(rp *reporter) api.CaseStatus {
	e.t.Helper()
	var out api.Submitted
	e.must(req{method: "POST", path: rp.org.path("/cases"), body: rp.nc}, http.StatusCreated, &out)
	e.reporterLogin(rp)
	return out.Case
}

// reporterLogin opens a new reporter session.
func (e *env) reporterLogin(rp *reporter) {
	e.t.Helper()
	var s api.Session
	e.must(req{method: "POST", path: rp.path("/session"), body: api.SessionRequest{AuthSecret: rp.secret}}, http.StatusOK, &s)
	rp.token = s.Token
}

// caseStatus reads a case as its reporter.
func (e *env) reporterStatus(rp *reporter) api.CaseStatus {
	e.t.Helper()
	var st api.CaseStatus
	e.must(req{method: "GET", path: rp.path(""), token: rp.token}, http.StatusOK, &st)
	return st
}

func refPath(o *testOrg, id, rest string) string { return o.path("/referent/cases/" + id + rest) }

func contains(t *testing.T, what, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%s: %q does not contain %q", what, s, sub)
	}
}
