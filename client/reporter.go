package client

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/server/api"
)

// ReporterCase is a case as its reporter (or, in a victim thread, the
// presumed victim) follows it with the case code. Its methods are safe for
// concurrent use.
type ReporterCase struct {
	c       *Client
	d       *directory.Directory
	code    casecode.Code
	secrets *casecode.Secrets
	party   string // casekey.Reporter or casekey.Victim
	base    string
	s       *session
	th      thread

	mu      sync.Mutex
	kr      *casekey.Keyring
	gen1    *casekey.Key
	trusted trust
	report  *envelope.Report
	status  api.CaseStatus
}

func newReporterCase(c *Client, d *directory.Directory, code casecode.Code, secrets *casecode.Secrets, party string) *ReporterCase {
	lookup := secrets.LookupIDHex()
	rc := &ReporterCase{c: c, d: d, code: code, secrets: secrets, party: party, base: casePath(d.OrgID, lookup)}
	rc.th = thread{caseID: lookup, d: d, party: party}
	auth := append([]byte(nil), secrets.AuthSecret[:]...)
	rc.s = &session{c: c, renew: func(ctx context.Context) (string, error) {
		var s api.Session
		err := c.do(ctx, request{method: http.MethodPost, path: rc.base + "/session", in: api.SessionRequest{AuthSecret: auth}, out: &s})
		return s.Token, err
	}}
	return rc
}

// OpenCase derives the secrets of code (Argon2id: about a second and
// 64 MiB), opens a session and the case file, and unwraps the case keys
// with the reporter's identity. The report must open with the first
// generation of the case key.
func (c *Client) OpenCase(ctx context.Context, d *directory.Directory, code casecode.Code) (*ReporterCase, error) {
	if d == nil {
		return nil, errors.New("lanterne client: missing directory")
	}
	secrets, err := casecode.Derive(d.OrgID, casecode.PurposeCase, code)
	if err != nil {
		return nil, err
	}
	rc := newReporterCase(c, d, code, secrets, casekey.Reporter)
	if _, err := rc.s.refresh(ctx, ""); err != nil {
		return nil, err
	}
	if err := rc.load(ctx); err != nil {
		return nil, err
	}
	return rc, nil
}

// load (re)reads the case file and opens the keyring and the report.
func (rc *ReporterCase) load(ctx context.Context) error {
	var cf api.CaseFile
	if err := rc.s.do(ctx, request{method: http.MethodGet, path: rc.base + "/file", out: &cf}); err != nil {
		return err
	}
	party := casekey.Reporter
	for _, w := range cf.Wraps {
		if w.Reader == casekey.Victim {
			party = casekey.Victim
		}
	}
	kr, err := casekey.OpenKeyring(rc.secrets.LookupIDHex(), fromAPIWraps(cf.Wraps), rc.secrets.ReporterIdentity)
	if err != nil {
		return err
	}
	gen1 := kr.ForGeneration(casekey.RoleCase, 1)
	if gen1 == nil {
		return errors.New("lanterne client: the case has no first key generation for this device")
	}
	rep, err := envelope.OpenReport(cf.Report, gen1.Identity())
	if err != nil {
		return err
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.gen1 != nil && rc.gen1.Recipient().String() != gen1.Recipient().String() {
		return casekey.ErrConflict
	}
	rc.party, rc.th.party = party, party
	rc.kr, rc.gen1, rc.report, rc.status = kr, gen1, rep, cf.Case
	if rc.trusted == nil {
		rc.trusted = trust{1: gen1}
	}
	return nil
}

// Code returns the case code.
func (rc *ReporterCase) Code() casecode.Code { return rc.code }

// LookupID returns the case's lookup id.
func (rc *ReporterCase) LookupID() string { return rc.th.caseID }

// Party returns casekey.Reporter, or casekey.Victim in a victim thread.
func (rc *ReporterCase) Party() string { return rc.party }

// Status fetches the case's workflow status.
func (rc *ReporterCase) Status(ctx context.Context) (api.CaseStatus, error) {
	var st api.CaseStatus
	if err := rc.s.do(ctx, request{method: http.MethodGet, path: rc.base, out: &st}); err != nil {
		return st, err
	}
	rc.mu.Lock()
	rc.status = st
	rc.mu.Unlock()
	return st, nil
}

// Report returns the reporter's own report as stored (a copy).
func (rc *ReporterCase) Report() envelope.Report {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	r := *rc.report
	return r
}

// Messages fetches, decrypts and checks the case's conversation. See
// Message for what Verified means; messages whose id was already seen are
// dropped. It also learns the key generations referents announced.
func (rc *ReporterCase) Messages(ctx context.Context) ([]Message, error) {
	entries, err := rc.s.fetchEntries(ctx, rc.base+"/messages")
	if err != nil {
		return nil, err
	}
	rc.mu.Lock()
	msgs, t := rc.th.read(entries, rc.kr, rc.gen1)
	rc.mu.Unlock()
	if needsReload(msgs) {
		// A generation this keyring lacks was announced or used: reload.
		if err := rc.load(ctx); err != nil {
			return nil, err
		}
		rc.mu.Lock()
		msgs, t = rc.th.read(entries, rc.kr, rc.gen1)
		rc.mu.Unlock()
	}
	rc.mu.Lock()
	rc.trusted = t
	rc.mu.Unlock()
	return msgs, nil
}

// currentKey refreshes the trusted generations and returns the newest.
func (rc *ReporterCase) currentKey(ctx context.Context) (*casekey.Key, error) {
	if _, err := rc.Messages(ctx); err != nil {
		return nil, err
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.trusted.current(), nil
}

// send seals a message of the reporter's side to the current trusted
// generation and posts it.
func (rc *ReporterCase) send(ctx context.Context, m envelope.Message) (uint64, []byte, error) {
	key, err := rc.currentKey(ctx)
	if err != nil {
		return 0, nil, err
	}
	m.CaseID, m.Author = rc.th.caseID, rc.party
	ct, err := sealMessage(rc.c, &m, nil, key.Recipient())
	if err != nil {
		return 0, nil, err
	}
	seq, err := rc.s.post(ctx, rc.base+"/messages", ct)
	return seq, ct, err
}

// Reply sends a text message to the referents and returns its sequence
// number.
func (rc *ReporterCase) Reply(ctx context.Context, body string) (uint64, error) {
	seq, _, err := rc.send(ctx, envelope.Message{Kind: envelope.MessageText, Body: body})
	return seq, err
}

// MarkRead tells the referents the reporter's side has read the
// conversation up to seq (a read receipt).
func (rc *ReporterCase) MarkRead(ctx context.Context, seq uint64) error {
	return rc.s.do(ctx, request{method: http.MethodPost, path: rc.base + "/read", in: api.MarkRead{Seq: seq}})
}

// Attach scrubs, encrypts and uploads one more file and announces it with an
// evidence_added message. It returns the receipt items of the file and of
// the message; on error, the items of what was stored.
func (rc *ReporterCase) Attach(ctx context.Context, f File, progress func(Progress)) ([]ReceiptItem, error) {
	return rc.attach(ctx, f, 0, progress)
}

func (rc *ReporterCase) attach(ctx context.Context, f File, index int, progress func(Progress)) ([]ReceiptItem, error) {
	key, err := rc.currentKey(ctx)
	if err != nil {
		return nil, err
	}
	up, err := rc.s.uploadFile(ctx, rc.base, f, key.Recipient(), index, progress)
	if err != nil {
		return nil, err
	}
	rep := up.Scrub
	items := []ReceiptItem{{Kind: ItemFile, Name: f.Name, Size: up.Item.CiphertextSize, SHA256: up.Item.CiphertextSHA256, Scrub: &rep}}
	item := up.Item
	_, ct, err := rc.send(ctx, envelope.Message{Kind: envelope.MessageEvidenceAdded, Evidence: &item})
	if err != nil {
		return items, err
	}
	var r Receipt
	r.add(ItemMessage, f.Name, ct)
	return append(items, r.Items...), nil
}

// ReleaseIdentity consents to the referents reading the sealed identity:
// the identity key is sealed to the current trusted case key generation
// and stored.
func (rc *ReporterCase) ReleaseIdentity(ctx context.Context) error {
	key, err := rc.currentKey(ctx)
	if err != nil {
		return err
	}
	ct, err := envelope.SealRelease(rc.secrets.IdentityKey, key.Recipient())
	if err != nil {
		return err
	}
	return rc.s.do(ctx, request{method: http.MethodPut, path: rc.base + "/identity-release", in: api.Blob{Ciphertext: ct}})
}

// DeclineIdentity answers an identity request with a refusal (text may be
// empty).
func (rc *ReporterCase) DeclineIdentity(ctx context.Context, text string) error {
	_, _, err := rc.send(ctx, envelope.Message{Kind: envelope.MessageIdentityDecline, Body: text})
	return err
}

// ConsentGiven records, in a victim thread, the presumed victim's consent
// to the handling of the witness's report.
func (rc *ReporterCase) ConsentGiven(ctx context.Context, text string) error {
	return rc.consent(ctx, envelope.MessageConsentGiven, text)
}

// ConsentRefused records, in a victim thread, the presumed victim's
// refusal.
func (rc *ReporterCase) ConsentRefused(ctx context.Context, text string) error {
	return rc.consent(ctx, envelope.MessageConsentRefused, text)
}

func (rc *ReporterCase) consent(ctx context.Context, kind envelope.MessageKind, text string) error {
	if rc.party != casekey.Victim {
		return errors.New("lanterne client: only the presumed victim's thread records consent")
	}
	_, _, err := rc.send(ctx, envelope.Message{Kind: kind, Body: text})
	return err
}
