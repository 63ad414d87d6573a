//go:build js && wasm

package main

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"syscall/js"
	"time"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/casecode"
	"github.com/lanterne/lanterne/crypto/casekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/scrub/pdfscrub"
)

var errBadArgument = errors.New("lanterne: bad argument from the page")

// bridge is the state of one page: the client and the directory it
// verified. The page calls loadDirectory before anything else.
type bridge struct {
	c *client.Client

	mu  sync.Mutex
	dir *directory.Directory
	pin client.Pin
}

// newBridge returns the bridge of a page served from origin. PDFs are
// scrubbed too (pdfcpu adds about 1 MB to the compressed bundle): a PDF's
// author and producer fields are exactly what would name a reporter.
func newBridge(origin string) *bridge {
	c := client.New(origin, &http.Client{Timeout: 2 * time.Minute})
	c.PDFScrubber = pdfscrub.PDF
	return &bridge{c: c}
}

// exports is globalThis.lanterne.
func (b *bridge) exports() js.Value {
	o := js.Global().Get("Object").New()
	o.Set("loadDirectory", async(b.loadDirectory))
	o.Set("parseCode", syncFunc(parseCode))
	o.Set("submit", async(b.submit))
	o.Set("openCase", async(b.openCase))
	o.Set("readInvitation", async(b.readInvitation))
	o.Set("redeem", async(b.redeem))
	o.Set("readers", async(b.readers))
	o.Set("timeDerive", async(timeDerive))
	return o
}

// directoryView is what the page shows of a verified directory.
type directoryView struct {
	OrgID       string            `json:"org_id"`
	OrgName     string            `json:"org_name"`
	Version     uint64            `json:"version"`
	Fingerprint string            `json:"fingerprint"`
	Pinned      bool              `json:"pinned"` // false: trusted on first use, to compare with the poster
	ExpiresAt   time.Time         `json:"expires_at"`
	Routes      []directory.Route `json:"routes"`
	Referents   []referentView    `json:"referents"`
	Conflict    bool              `json:"conflict_route"` // a route for facts that involve the authority exists
}

type referentView struct {
	ID     string              `json:"id"`
	Name   string              `json:"name"`
	Routes []directory.RouteID `json:"routes"`
}

// loadDirectory(orgID, fingerprint) fetches and verifies the organisation's
// directory. fingerprint is the one pinned by the poster's link; empty,
// the directory is checked against its own root key and the page must ask
// the reporter to compare the fingerprint with the poster.
func (b *bridge) loadDirectory(args []js.Value) (any, error) {
	if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeString {
		return nil, errBadArgument
	}
	org, fp := args[0].String(), strings.TrimSpace(args[1].String())
	pinned := fp != ""
	ctx := context.Background()
	if !pinned {
		var err error
		if fp, err = b.selfFingerprint(ctx, org); err != nil {
			return nil, err
		}
	} else if _, err := directory.ParseFingerprint(fp); err != nil {
		return nil, err
	}
	b.mu.Lock()
	pin := b.pin
	b.mu.Unlock()
	if pin.OrgID != org || pin.Fingerprint != fp {
		pin = client.Pin{OrgID: org, Fingerprint: fp}
	}
	d, err := b.c.Directory(ctx, &pin)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.dir, b.pin = d, pin
	b.mu.Unlock()
	v := directoryView{OrgID: d.OrgID, OrgName: d.OrgName, Version: d.Version, Fingerprint: d.Fingerprint(),
		Pinned: pinned, ExpiresAt: d.ExpiresAt, Routes: d.Routes}
	for _, r := range d.Referents {
		v.Referents = append(v.Referents, referentView{ID: r.ID, Name: r.Name, Routes: r.Routes})
		for _, rt := range r.Routes {
			if rt == directory.RouteConflict {
				v.Conflict = true
			}
		}
	}
	return v, nil
}

// selfFingerprint reads the directory unverified and returns the
// fingerprint of its root key, for a first visit without a pinned link.
func (b *bridge) selfFingerprint(ctx context.Context, org string) (string, error) {
	if !directory.ValidOrgID(org) {
		return "", errBadArgument
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, b.c.BaseURL+"/api/v1/orgs/"+org+"/directory", nil)
	if err != nil {
		return "", err
	}
	resp, err := b.c.HTTP.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", &client.APIError{Status: resp.StatusCode, Message: "directory"}
	}
	signed, err := readAll(resp.Body, directory.MaxSignedSize)
	if err != nil {
		return "", err
	}
	d, err := directory.ParseUnverified(signed)
	if err != nil {
		return "", err
	}
	return d.Fingerprint(), nil
}

func (b *bridge) directory() (*directory.Directory, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dir == nil {
		return nil, errNoDirectory
	}
	return b.dir, nil
}

var errNoDirectory = errors.New("lanterne: the organisation's directory is not loaded")

// readers(channel, involvesAuthority, excluded) says who would read a
// report: {route, readers: [{id, name}]}, by the same rule that chooses the
// wraps at submission (casekey.SelectReaders), so the form can show it on
// the review step and refuse an exclusion that leaves nobody.
func (b *bridge) readers(args []js.Value) (any, error) {
	d, err := b.directory()
	if err != nil {
		return nil, err
	}
	if len(args) < 3 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeBoolean {
		return nil, errBadArgument
	}
	var excluded []string
	if err := fromJS(args[2], &excluded); err != nil {
		return nil, err
	}
	refs, route, err := casekey.SelectReaders(d, directory.RouteID(args[0].String()), args[1].Bool(), excluded)
	if err != nil {
		return nil, err
	}
	out := struct {
		Route   directory.RouteID `json:"route"`
		Readers []referentView    `json:"readers"`
	}{Route: route, Readers: []referentView{}}
	for _, r := range refs {
		out.Readers = append(out.Readers, referentView{ID: r.ID, Name: r.Name, Routes: r.Routes})
	}
	return out, nil
}

// parseCode(text) checks a typed case code: {code} in its printed form,
// or {error}.
func parseCode(args []js.Value) (any, error) {
	if len(args) < 1 || args[0].Type() != js.TypeString {
		return nil, errBadArgument
	}
	c, err := casecode.Parse(args[0].String())
	if err != nil {
		return nil, err
	}
	return map[string]string{"code": c.String()}, nil
}

// submission is what the page sends: the report form, the identity
// choice and, unless anonymous, the identity.
type submission struct {
	Report         envelope.Report    `json:"report"`
	IdentityChoice string             `json:"identity_choice"` // anonymous, sealed, release_now
	Identity       *envelope.Identity `json:"identity"`
}

func (s *submission) toClient(files []client.File) (*client.Submission, error) {
	sub := &client.Submission{Report: s.Report, Files: files}
	switch s.IdentityChoice {
	case "", "anonymous":
		sub.IdentityChoice = client.Anonymous
	case "sealed":
		sub.IdentityChoice, sub.Identity = client.Sealed, s.Identity
	case "release_now":
		sub.IdentityChoice, sub.Identity = client.ReleaseNow, s.Identity
	default:
		return nil, errBadArgument
	}
	if sub.IdentityChoice != client.Anonymous && sub.Identity == nil {
		return nil, errBadArgument
	}
	return sub, nil
}

// submissionArgs decodes (submission, files, onProgress) from args[from:]
// into the client's Submission and progress callback.
func submissionArgs(args []js.Value, from int) (*client.Submission, func(client.Progress), error) {
	if len(args) < from+1 {
		return nil, nil, errBadArgument
	}
	var s submission
	if err := fromJS(args[from], &s); err != nil {
		return nil, nil, err
	}
	var files []client.File
	if len(args) > from+1 && !args[from+1].IsUndefined() && !args[from+1].IsNull() {
		list := args[from+1]
		if list.Type() != js.TypeObject || list.Get("length").Type() != js.TypeNumber {
			return nil, nil, errBadArgument
		}
		for i := range list.Get("length").Int() {
			f, err := blobFile(list.Index(i))
			if err != nil {
				return nil, nil, err
			}
			files = append(files, f)
		}
	}
	sub, err := s.toClient(files)
	if err != nil {
		return nil, nil, err
	}
	progress := js.Undefined()
	if len(args) > from+2 {
		progress = args[from+2]
	}
	return sub, progressFunc(progress), nil
}

// progressFunc forwards upload progress to the page's callback
// ({file, name, done, total}).
func progressFunc(cb js.Value) func(client.Progress) {
	if cb.Type() != js.TypeFunction {
		return nil
	}
	return func(p client.Progress) {
		cb.Invoke(toJS(map[string]any{"file": p.File, "name": p.Name, "done": p.Done, "total": p.Total}))
	}
}

// receiptView is the acknowledgement the page shows and offers to keep.
type receiptView struct {
	Code        string     `json:"code"`
	OrgID       string     `json:"org_id"`
	SubmittedAt time.Time  `json:"submitted_at"`
	Route       string     `json:"route"`
	Received    string     `json:"received"`
	Deadlines   any        `json:"deadlines"`
	Items       []itemView `json:"items"`
	Error       *jsError   `json:"error,omitempty"` // the case exists, but something after failed
}

type itemView struct {
	Kind       string   `json:"kind"`
	Name       string   `json:"name,omitempty"`
	Size       int64    `json:"size"`
	SHA256     string   `json:"sha256"`
	Removed    []string `json:"removed,omitempty"` // metadata removed from a file
	Unscrubbed bool     `json:"unscrubbed,omitempty"`
	// Rotated: the EXIF orientation went with the EXIF block, so the
	// image may now show turned or mirrored to the referents.
	Rotated bool `json:"rotated,omitempty"`
}

func viewItems(items []client.ReceiptItem) []itemView {
	out := make([]itemView, 0, len(items))
	for _, it := range items {
		v := itemView{Kind: it.Kind, Name: it.Name, Size: it.Size, SHA256: it.SHA256}
		if it.Scrub != nil {
			v.Unscrubbed = it.Scrub.Unscrubbed
			v.Rotated = it.Scrub.Orientation != 0
			for _, r := range it.Scrub.Removed {
				v.Removed = append(v.Removed, string(r))
			}
		}
		out = append(out, v)
	}
	return out
}

func viewReceipt(r *client.Receipt, err error) (any, error) {
	if r == nil {
		if err == nil {
			err = errors.New("lanterne: no receipt")
		}
		return nil, err
	}
	v := receiptView{Code: r.Code.String(), OrgID: r.OrgID, SubmittedAt: r.SubmittedAt, Route: r.Route,
		Received: r.Case.Received, Deadlines: r.Case.Deadlines, Items: viewItems(r.Items)}
	if err != nil {
		v.Error = &jsError{Code: errorCode(err), Message: err.Error()}
	}
	return v, nil
}

// submit(submission, files, onProgress) sends a new report. It resolves
// with the receipt even when a file failed after the case was stored (the
// receipt's error says what); it rejects only when no case exists.
func (b *bridge) submit(args []js.Value) (any, error) {
	d, err := b.directory()
	if err != nil {
		return nil, err
	}
	sub, progress, err := submissionArgs(args, 0)
	if err != nil {
		return nil, err
	}
	return viewReceipt(b.c.Submit(context.Background(), d, sub, progress))
}

// readInvitation(code) opens a witness's invitation for the presumed
// victim: {route, created_at, message}.
func (b *bridge) readInvitation(args []js.Value) (any, error) {
	d, err := b.directory()
	if err != nil {
		return nil, err
	}
	code, err := codeArg(args, 0)
	if err != nil {
		return nil, err
	}
	return b.c.ReadInvitation(context.Background(), d, code)
}

// redeem(invitationCode, submission, files, onProgress) makes the presumed
// victim's own thread; it resolves with its receipt (a new case code).
func (b *bridge) redeem(args []js.Value) (any, error) {
	d, err := b.directory()
	if err != nil {
		return nil, err
	}
	code, err := codeArg(args, 0)
	if err != nil {
		return nil, err
	}
	sub, progress, err := submissionArgs(args, 1)
	if err != nil {
		return nil, err
	}
	r, _, err := b.c.Redeem(context.Background(), d, code, sub, progress)
	return viewReceipt(r, err)
}

func codeArg(args []js.Value, i int) (casecode.Code, error) {
	if len(args) <= i || args[i].Type() != js.TypeString {
		return casecode.Code{}, errBadArgument
	}
	return casecode.Parse(args[i].String())
}

// timeDerive(orgID, n) derives the secrets of a fresh case code n times
// (Argon2id, the parameters in use) and resolves with the milliseconds of
// each: the figure docs/performance.md gives for browsers.
func timeDerive(args []js.Value) (any, error) {
	if len(args) < 2 || args[0].Type() != js.TypeString || args[1].Type() != js.TypeNumber {
		return nil, errBadArgument
	}
	out := []float64{}
	for i := 0; i < args[1].Int(); i++ {
		code, err := casecode.Generate()
		if err != nil {
			return nil, err
		}
		start := time.Now()
		if _, err := casecode.Derive(args[0].String(), casecode.PurposeCase, code); err != nil {
			return nil, err
		}
		out = append(out, float64(time.Since(start).Microseconds())/1000)
	}
	return out, nil
}
