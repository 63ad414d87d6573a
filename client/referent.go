package client

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/referentkey"
	"github.com/lanterne/lanterne/server/api"
)

// ErrKeyNotInDirectory is returned by Login when the directory does not list
// the key's referent id with the key's public keys.
var ErrKeyNotInDirectory = errors.New("lanterne client: this key file's referent is not in the directory with these keys")

// ReferentSession is a referent logged in to one organisation's server.
// It re-logs in by itself when the server's session expires.
type ReferentSession struct {
	c   *Client
	d   *directory.Directory
	key *referentkey.Key
	s   *session
}

// Login proves to the server that the caller holds key's signing key:
// it asks for a challenge, signs api.LoginMessage(org, id, nonce) with
// key.Signing and exchanges the signature for a session. d must list the
// referent with key's public keys.
func (c *Client) Login(ctx context.Context, d *directory.Directory, key *referentkey.Key) (*ReferentSession, error) {
	if d == nil || key == nil {
		return nil, errors.New("lanterne client: missing directory or key")
	}
	ref := d.Referent(key.ID)
	pub, _ := key.Signing.Public().(ed25519.PublicKey)
	if ref == nil || !pub.Equal(ed25519.PublicKey(ref.VerifyKey)) || ref.AgeRecipient != key.Age.Recipient().String() {
		return nil, ErrKeyNotInDirectory
	}
	rs := &ReferentSession{c: c, d: d, key: key}
	rs.s = &session{c: c, renew: rs.login}
	if _, err := rs.s.refresh(ctx, ""); err != nil {
		return nil, err
	}
	return rs, nil
}

func (rs *ReferentSession) login(ctx context.Context) (string, error) {
	org := rs.d.OrgID
	var ch api.Challenge
	err := rs.c.do(ctx, request{method: http.MethodPost, path: referentPath(org) + "/challenge",
		in: api.ChallengeRequest{ReferentID: rs.key.ID}, out: &ch})
	if err != nil {
		return "", err
	}
	sig := ed25519.Sign(rs.key.Signing, api.LoginMessage(org, rs.key.ID, ch.Nonce))
	var s api.Session
	err = rs.c.do(ctx, request{method: http.MethodPost, path: referentPath(org) + "/session",
		in: api.ChallengeResponse{ReferentID: rs.key.ID, Nonce: ch.Nonce, Signature: sig}, out: &s})
	return s.Token, err
}

// Inbox lists the cases the referent can read.
func (rs *ReferentSession) Inbox(ctx context.Context) ([]api.CaseStatus, error) {
	var all []api.CaseStatus
	after := ""
	for {
		var in api.Inbox
		path := referentPath(rs.d.OrgID) + "/cases"
		if after != "" {
			path += "?after=" + url.QueryEscape(after)
		}
		if err := rs.s.do(ctx, request{method: http.MethodGet, path: path, out: &in}); err != nil {
			return nil, err
		}
		all = append(all, in.Cases...)
		if in.Next == "" || in.Next <= after {
			return all, nil
		}
		after = in.Next
	}
}

// AccessLog returns the case's access log: which referent fetched what of
// the case, to the minute.
func (rcase *ReferentCase) AccessLog(ctx context.Context) ([]api.Access, error) {
	var all []api.Access
	var after uint64
	for {
		var page api.AccessLog
		path := rcase.base + "/access?after=" + strconv.FormatUint(after, 10)
		if err := rcase.rs.s.do(ctx, request{method: http.MethodGet, path: path, out: &page}); err != nil {
			return nil, err
		}
		progressed := false
		for _, a := range page.Entries {
			if a.Seq > after {
				all = append(all, a)
				after, progressed = a.Seq, true
			}
		}
		if !progressed {
			return all, nil
		}
	}
}

// Identity states of ReferentCase.Identity.
const (
	IdentityNone       = "none"       // the reporter gave no identity
	IdentitySealed     = "sealed"     // given, not released
	IdentityRequested  = "requested"  // a referent asked for it
	IdentityReleased   = "released"   // released and opened
	IdentityUnreadable = "unreadable" // a release exists but does not open, or the identity envelope does not
)

// ReferentCase is one case as a referent reads it. Its methods are safe
// for concurrent use.
type ReferentCase struct {
	rs   *ReferentSession
	id   string
	base string
	th   thread

	mu        sync.Mutex
	file      api.CaseFile
	kr        *casekey.Keyring
	gen1      *casekey.Key
	trusted   trust // case key
	staff     trust // staff key
	report    *envelope.Report
	identity  *envelope.Identity
	identityS string
}

// Open fetches a case: the wraps addressed to this referent, unwrapped with
// key.Age; the report, which must open with the first generation; the
// conversation, for the key generations referents announced; and, when the
// reporter released it, the identity.
func (rs *ReferentSession) Open(ctx context.Context, lookupID string) (*ReferentCase, error) {
	rcase := &ReferentCase{rs: rs, id: lookupID, base: referentCasePath(rs.d.OrgID, lookupID)}
	rcase.th = thread{caseID: lookupID, d: rs.d}
	if err := rcase.load(ctx); err != nil {
		return nil, err
	}
	return rcase, nil
}

func (rcase *ReferentCase) load(ctx context.Context) error {
	if err := rcase.loadFile(ctx); err != nil {
		return err
	}
	if _, err := rcase.messages(ctx, false); err != nil {
		return err
	}
	rcase.openIdentity()
	return nil
}

// Refresh re-reads the case: metadata, wraps, report, conversation and,
// once released, the identity.
func (rcase *ReferentCase) Refresh(ctx context.Context) error { return rcase.load(ctx) }

// loadFile (re)reads the case file and opens the keyring and the report.
func (rcase *ReferentCase) loadFile(ctx context.Context) error {
	var cf api.CaseFile
	if err := rcase.rs.s.do(ctx, request{method: http.MethodGet, path: rcase.base, out: &cf}); err != nil {
		return err
	}
	kr, err := casekey.OpenKeyring(rcase.id, fromAPIWraps(cf.Wraps), rcase.rs.key.Age)
	if err != nil {
		return err
	}
	gen1 := kr.ForGeneration(casekey.RoleCase, 1)
	if gen1 == nil {
		return errors.New("lanterne client: no first generation of the case key for this referent")
	}
	rep, err := envelope.OpenReport(cf.Report, gen1.Identity())
	if err != nil {
		return err
	}
	rcase.mu.Lock()
	defer rcase.mu.Unlock()
	if rcase.gen1 != nil && rcase.gen1.Recipient().String() != gen1.Recipient().String() {
		return casekey.ErrConflict
	}
	rcase.file, rcase.kr, rcase.gen1, rcase.report = cf, kr, gen1, rep
	if rcase.trusted == nil {
		rcase.trusted = trust{1: gen1}
	}
	return nil
}

// openIdentity opens the release, if any, with the trusted case keys.
func (rcase *ReferentCase) openIdentity() {
	rcase.mu.Lock()
	defer rcase.mu.Unlock()
	cf := rcase.file
	rcase.identity = nil
	switch {
	case len(cf.Identity) == 0:
		rcase.identityS = IdentityNone
	case len(cf.IdentityRelease) == 0:
		rcase.identityS = IdentitySealed
		if cf.Case.IdentityState == IdentityRequested {
			rcase.identityS = IdentityRequested
		}
	default:
		rcase.identityS = IdentityUnreadable
		idKey, err := envelope.OpenRelease(cf.IdentityRelease, rcase.trusted.identities()...)
		if err != nil {
			return
		}
		id, err := envelope.OpenIdentity(cf.Identity, idKey)
		if err != nil {
			return
		}
		rcase.identity, rcase.identityS = id, IdentityReleased
	}
}

// LookupID returns the case's lookup id.
func (rcase *ReferentCase) LookupID() string { return rcase.id }

// Case returns the case's metadata as of the last Open or change.
func (rcase *ReferentCase) Case() api.CaseStatus {
	rcase.mu.Lock()
	defer rcase.mu.Unlock()
	return rcase.file.Case
}

// Report returns the report (a copy).
func (rcase *ReferentCase) Report() envelope.Report {
	rcase.mu.Lock()
	defer rcase.mu.Unlock()
	return *rcase.report
}

// Identity returns the reporter's identity when released, and the identity
// state: IdentityNone, IdentitySealed, IdentityRequested, IdentityReleased
// or IdentityUnreadable.
func (rcase *ReferentCase) Identity() (*envelope.Identity, string) {
	rcase.mu.Lock()
	defer rcase.mu.Unlock()
	if rcase.identity == nil {
		return nil, rcase.identityS
	}
	id := *rcase.identity
	return &id, rcase.identityS
}

// Messages fetches, decrypts and checks the conversation, verifying every
// referent's signature (other referents' too) against the directory. See
// Message.
func (rcase *ReferentCase) Messages(ctx context.Context) ([]Message, error) {
	return rcase.messages(ctx, true)
}

// messages reads the conversation; with reload, it re-reads the case file
// once when the keyring lacks a generation the conversation uses.
func (rcase *ReferentCase) messages(ctx context.Context, reload bool) ([]Message, error) {
	entries, err := rcase.rs.s.fetchEntries(ctx, rcase.base+"/messages")
	if err != nil {
		return nil, err
	}
	rcase.mu.Lock()
	msgs, t := rcase.th.read(entries, rcase.kr, rcase.gen1)
	rcase.mu.Unlock()
	if reload && needsReload(msgs) {
		if err := rcase.loadFile(ctx); err != nil {
			return nil, err
		}
		rcase.mu.Lock()
		msgs, t = rcase.th.read(entries, rcase.kr, rcase.gen1)
		rcase.mu.Unlock()
	}
	rcase.mu.Lock()
	rcase.trusted = t
	rcase.mu.Unlock()
	return msgs, nil
}

// EvidenceItems returns the files announced by verified evidence_added
// messages, in order, each once.
func EvidenceItems(msgs []Message) []envelope.EvidenceItem {
	var out []envelope.EvidenceItem
	seen := map[string]bool{}
	for _, m := range msgs {
		if m.Verified && m.Kind == envelope.MessageEvidenceAdded && m.Evidence != nil && !seen[m.Evidence.FileID] {
			seen[m.Evidence.FileID] = true
			out = append(out, *m.Evidence)
		}
	}
	return out
}

// currentKey refreshes the trusted case key generations and returns the
// newest.
func (rcase *ReferentCase) currentKey(ctx context.Context) (*casekey.Key, error) {
	if _, err := rcase.Messages(ctx); err != nil {
		return nil, err
	}
	rcase.mu.Lock()
	defer rcase.mu.Unlock()
	return rcase.trusted.current(), nil
}

// send signs and seals a message of this referent to key and posts it.
func (rcase *ReferentCase) sendTo(ctx context.Context, key *casekey.Key, m envelope.Message) (uint64, error) {
	m.CaseID, m.Author = rcase.id, rcase.rs.key.ID
	ct, err := sealMessage(rcase.rs.c, &m, rcase.rs.key.Signing, key.Recipient())
	if err != nil {
		return 0, err
	}
	return rcase.rs.s.post(ctx, rcase.base+"/messages", ct)
}

func (rcase *ReferentCase) send(ctx context.Context, m envelope.Message) (uint64, error) {
	key, err := rcase.currentKey(ctx)
	if err != nil {
		return 0, err
	}
	return rcase.sendTo(ctx, key, m)
}

// Reply sends a signed text message to the reporter and returns its
// sequence number.
func (rcase *ReferentCase) Reply(ctx context.Context, body string) (uint64, error) {
	return rcase.send(ctx, envelope.Message{Kind: envelope.MessageText, Body: body})
}

// MarkRead records that this referent has read the conversation up to seq.
func (rcase *ReferentCase) MarkRead(ctx context.Context, seq uint64) error {
	return rcase.rs.s.do(ctx, request{method: http.MethodPost, path: rcase.base + "/read", in: api.MarkRead{Seq: seq}})
}

// RequestIdentity asks the reporter to release their identity: a signed
// identity_request message (text may be empty) and the request recorded
// in the case's status.
func (rcase *ReferentCase) RequestIdentity(ctx context.Context, text string) error {
	if _, err := rcase.send(ctx, envelope.Message{Kind: envelope.MessageIdentityRequest, Body: text}); err != nil {
		return err
	}
	return rcase.rs.s.do(ctx, request{method: http.MethodPost, path: rcase.base + "/identity-request", in: struct{}{}})
}

// SetStatus moves the case to status. When notice is not empty it is also
// sent to the reporter as a signed status_notice message: the written
// acknowledgement, feedback on the measures taken and closure notice the
// law requires.
func (rcase *ReferentCase) SetStatus(ctx context.Context, status, notice string) error {
	return rcase.UpdateStatus(ctx, api.SetStatus{Status: status}, notice)
}

// UpdateStatus is SetStatus with every field of api.SetStatus (meeting
// held, consent, re-routing).
func (rcase *ReferentCase) UpdateStatus(ctx context.Context, req api.SetStatus, notice string) error {
	var st api.CaseStatus
	if err := rcase.rs.s.do(ctx, request{method: http.MethodPost, path: rcase.base + "/status", in: req, out: &st}); err != nil {
		return err
	}
	if st.LookupID != "" {
		rcase.mu.Lock()
		rcase.file.Case = st
		rcase.mu.Unlock()
	}
	if notice == "" {
		return nil
	}
	if _, err := rcase.send(ctx, envelope.Message{Kind: envelope.MessageStatusNotice, Body: notice}); err != nil {
		return fmt.Errorf("lanterne client: status changed, but the notice was not sent: %w", err)
	}
	return nil
}
