package client

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/scrub"
	"github.com/lanterne/lanterne/server/api"
)

// IdentityChoice is what the reporter does with their identity.
type IdentityChoice int

const (
	// Anonymous: no identity is sent.
	Anonymous IdentityChoice = iota
	// Sealed: the identity is sent sealed to the identity key derived from
	// the case code; no referent can read it until the reporter releases it.
	Sealed
	// ReleaseNow: the identity is sealed and released at once.
	ReleaseNow
)

// Submission is what a reporter sends.
type Submission struct {
	// Report is the report. Leave Report.Evidence empty: files are
	// announced by evidence_added messages (see doc.go). SubmittedAt is
	// set from the client's clock when zero.
	Report         envelope.Report
	Identity       *envelope.Identity
	IdentityChoice IdentityChoice
	Files          []File
}

// Receipt kinds.
const (
	ItemReport          = "report"
	ItemIdentity        = "identity"
	ItemIdentityRelease = "identity_release"
	ItemFile            = "file"
	ItemMessage         = "message"
)

// ReceiptItem is one thing the server stored for the reporter.
type ReceiptItem struct {
	Kind string // ItemReport, ItemIdentity, ItemIdentityRelease, ItemFile, ItemMessage
	// Name is the file's name (ItemFile, and the ItemMessage announcing
	// it); it never left the device unencrypted.
	Name string
	// Size and SHA256 (lower-case hex) are those of the ciphertext stored,
	// which the server can confirm.
	Size   int64
	SHA256 string
	// Scrub says what was removed from a file (ItemFile only). Unscrubbed
	// means the file was sent as it was and may carry metadata.
	Scrub *scrub.Report
}

// Receipt is everything the reporter submitted, for the acknowledgement
// page. Code is the only way back to the case: show it to the reporter
// first, whatever else happened.
type Receipt struct {
	Code        casecode.Code
	OrgID       string
	LookupID    string
	SubmittedAt time.Time
	Route       string
	Items       []ReceiptItem
	Case        api.CaseStatus
}

func (r *Receipt) add(kind, name string, ct []byte) {
	sum := sha256.Sum256(ct)
	r.Items = append(r.Items, ReceiptItem{Kind: kind, Name: name, Size: int64(len(ct)), SHA256: hex.EncodeToString(sum[:])})
}

// Submit makes a new case on the reporter's device and sends it: a fresh
// case code and its secrets, the case key wrapped to the readers the
// directory's routing selects and to the reporter, the sealed report,
// identity and release, then each file, scrubbed, encrypted and uploaded,
// announced by an evidence_added message. progress (may be nil) follows
// the files.
//
// If Submit fails before the case exists, it returns a nil Receipt and the
// error. If it fails after, it returns the Receipt of what was stored AND
// the error: the case exists, and the reporter must still be shown
// Receipt.Code, with which they can follow it up and add what is missing.
func (c *Client) Submit(ctx context.Context, d *directory.Directory, sub *Submission, progress func(Progress)) (*Receipt, error) {
	code, err := casecode.Generate()
	if err != nil {
		return nil, err
	}
	rc, rcpt, err := c.create(ctx, d, code, sub, casekey.Reporter, nil)
	if rc == nil {
		return rcpt, err
	}
	if err != nil {
		return rcpt, err
	}
	return rcpt, rc.attachAll(ctx, rcpt, sub.Files, progress)
}

// create makes and sends the case of code. It returns the case as soon as
// the server stored it.
func (c *Client) create(ctx context.Context, d *directory.Directory, code casecode.Code, sub *Submission, party string, redeem *api.Redeem) (*ReporterCase, *Receipt, error) {
	if d == nil || sub == nil {
		return nil, nil, errors.New("lanterne client: missing directory or submission")
	}
	if len(sub.Report.Evidence) > 0 {
		return nil, nil, errors.New("lanterne client: leave Report.Evidence empty and put files in Submission.Files")
	}
	if len(sub.Files) > api.MaxFilesPerCase {
		return nil, nil, fmt.Errorf("lanterne client: at most %d files per case", api.MaxFilesPerCase)
	}
	switch sub.IdentityChoice {
	case Anonymous:
	case Sealed, ReleaseNow:
		if sub.Identity == nil {
			return nil, nil, errors.New("lanterne client: identity choice without an identity")
		}
	default:
		return nil, nil, errors.New("lanterne client: unknown identity choice")
	}
	rep := sub.Report
	rep.Evidence = nil
	if rep.Schema == "" {
		rep.Schema = envelope.ReportSchema
	}
	if rep.SubmittedAt.IsZero() {
		rep.SubmittedAt = c.now().UTC().Truncate(time.Second)
	}
	if err := rep.Validate(); err != nil {
		return nil, nil, err
	}

	secrets, err := casecode.Derive(d.OrgID, casecode.PurposeCase, code)
	if err != nil {
		return nil, nil, err
	}
	lookup := secrets.LookupIDHex()
	kr, wraps, route, err := casekey.NewCase(d, lookup, directory.RouteID(rep.Channel),
		rep.Conflict.InvolvesAuthority, rep.Conflict.ExcludedReferents, secrets.ReporterIdentity.Recipient())
	if err != nil {
		return nil, nil, err
	}
	if party == casekey.Victim {
		// The reporter's wrap is the last. Reader is routing metadata that
		// the wrap's binding does not cover: relabelling it is sound.
		wraps[len(wraps)-1].Reader = casekey.Victim
	}
	key := kr.Current(casekey.RoleCase)

	nc := api.NewCase{
		LookupID:          lookup,
		ReporterRecipient: secrets.ReporterIdentity.Recipient().String(),
		Route:             string(route),
		Channel:           string(rep.Channel),
		Witness:           rep.Role == envelope.RoleWitness,
		MeetingRequested:  rep.Wishes.Meeting,
		Invitation:        redeem,
	}
	h := casecode.AuthHash(secrets.AuthSecret[:])
	nc.AuthHash = h[:]
	if nc.Report, err = envelope.SealReport(&rep, key.Recipient()); err != nil {
		return nil, nil, err
	}
	if len(nc.Report) > api.MaxReportCiphertext {
		return nil, nil, errors.New("lanterne client: the report is too large")
	}
	if sub.IdentityChoice != Anonymous {
		if nc.Identity, err = envelope.SealIdentity(sub.Identity, secrets.IdentityKey.Recipient()); err != nil {
			return nil, nil, err
		}
	}
	if sub.IdentityChoice == ReleaseNow {
		if nc.IdentityRelease, err = envelope.SealRelease(secrets.IdentityKey, key.Recipient()); err != nil {
			return nil, nil, err
		}
	}
	nc.Wraps = toAPIWraps(wraps)

	var out api.Submitted
	if err := c.do(ctx, request{method: http.MethodPost, path: casesPath(d.OrgID), in: nc, out: &out}); err != nil {
		return nil, nil, err
	}
	rcpt := &Receipt{Code: code, OrgID: d.OrgID, LookupID: lookup, SubmittedAt: rep.SubmittedAt, Route: string(route), Case: out.Case}
	rcpt.add(ItemReport, "", nc.Report)
	if nc.Identity != nil {
		rcpt.add(ItemIdentity, "", nc.Identity)
	}
	if nc.IdentityRelease != nil {
		rcpt.add(ItemIdentityRelease, "", nc.IdentityRelease)
	}

	rc := newReporterCase(c, d, code, secrets, party)
	rc.kr, rc.gen1, rc.report, rc.status = kr, key, &rep, out.Case
	rc.trusted = trust{1: key}
	if _, err := rc.s.refresh(ctx, ""); err != nil {
		return nil, rcpt, err
	}
	return rc, rcpt, nil
}

// attachAll uploads files and records them in rcpt.
func (rc *ReporterCase) attachAll(ctx context.Context, rcpt *Receipt, files []File, progress func(Progress)) error {
	for i, f := range files {
		items, err := rc.attach(ctx, f, i, progress)
		rcpt.Items = append(rcpt.Items, items...)
		if err != nil {
			return fmt.Errorf("lanterne client: file %d of %d: %w", i+1, len(files), err)
		}
	}
	return nil
}

func toAPIWraps(ws []casekey.Wrap) []api.Wrap {
	out := make([]api.Wrap, len(ws))
	for i, w := range ws {
		out[i] = api.Wrap{Reader: w.Reader, Role: string(w.Role), Generation: w.Generation, Ciphertext: w.Ciphertext}
	}
	return out
}

func fromAPIWraps(ws []api.Wrap) []casekey.Wrap {
	out := make([]casekey.Wrap, len(ws))
	for i, w := range ws {
		out[i] = casekey.Wrap{Reader: w.Reader, Role: casekey.Role(w.Role), Generation: w.Generation, Ciphertext: w.Ciphertext}
	}
	return out
}
