package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/directory/orgkey"
)

// An organisation folder, kept on the admin's offline machine, holds:
//
//	org.key         the signing keyset, sealed with the admin's passphrase
//	directory.json  the draft directory: routes and referents
//	signed.json     the last signed directory
const (
	orgKeyFile    = "org.key"
	orgDraftFile  = "directory.json"
	orgSignedFile = "signed.json"
)

func cmdOrg(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 {
		return usagef("org needs a subcommand: init, add-referent, remove-referent, publish, register, rotate-key")
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "init":
		return orgInit(e, args)
	case "add-referent":
		return orgAddReferent(e, args)
	case "remove-referent":
		return orgRemoveReferent(e, args)
	case "publish":
		return orgPublish(ctx, e, args)
	case "register":
		return orgRegister(ctx, e, args)
	case "rotate-key":
		return orgRotate(e, args)
	}
	return usagef("unknown org subcommand %q", sub)
}

func defaultRoutes() []directory.Route {
	return []directory.Route{
		{ID: directory.RouteAVDHAS, Names: map[string]string{
			"fr": "Violences, discriminations, harcèlements et agissements sexistes",
			"en": "Violence, discrimination, harassment and sexist acts"}},
		{ID: directory.RouteWhistleblowing, Names: map[string]string{
			"fr": "Alerte (lanceur d'alerte)", "en": "Whistleblowing"}},
		{ID: directory.RouteConflict, Names: map[string]string{
			"fr": "Signalement mettant en cause l'autorité ou un référent",
			"en": "Report involving the authority or a referent"}},
	}
}

func orgInit(e *env, args []string) error {
	fs := flags(e, "org init", "org init --dir DIR --id ORG-ID --name NAME [--classic]")
	dir := fs.String("dir", "", "organisation folder to create")
	id := fs.String("id", "", "organisation id: a-z, 0-9 and '-' (e.g. mairie-exemple)")
	name := fs.String("name", "", "organisation name shown to reporters")
	classic := fs.Bool("classic", false, "use classic X25519 case keys instead of post-quantum ones (for tools older than age 1.3)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *id == "" || *name == "" {
		return usagef("org init needs --dir, --id and --name")
	}
	if !directory.ValidOrgID(*id) {
		return usagef("organisation id %q: use 1 to 63 characters a-z, 0-9 and '-'", *id)
	}
	if _, err := os.Stat(filepath.Join(*dir, orgKeyFile)); err == nil {
		return fmt.Errorf("%s already holds an organisation key: refusing to overwrite it", *dir)
	}
	pass, err := secret(e, "LANTERNE_PASSPHRASE", "Passphrase for the organisation key", true)
	if err != nil {
		return err
	}
	signer, err := orgkey.NewSigner(*id)
	if err != nil {
		return err
	}
	sealed, err := signer.MarshalPrivate(pass, workFactor(e))
	if err != nil {
		return err
	}
	kind := agekey.Hybrid
	if *classic {
		kind = agekey.X25519
	}
	d := &directory.Directory{
		Format: directory.Format, OrgID: *id, OrgName: *name, CaseKeyKind: kind,
		Routes: defaultRoutes(), Keys: signer.Chain(),
	}
	if err := os.MkdirAll(*dir, 0o700); err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(*dir, orgKeyFile), sealed, 0o600); err != nil {
		return err
	}
	if err := saveDraft(*dir, d); err != nil {
		return err
	}
	fp := signer.Fingerprint()
	return output(e, *asJSON, map[string]string{"org_id": *id, "fingerprint": fp, "dir": *dir}, func(w io.Writer) {
		fmt.Fprintf(w, "Organisation %s created in %s.\n", *id, *dir)
		fmt.Fprintf(w, "Fingerprint (print it on the posters): %s\n", fp)
		fmt.Fprintf(w, "Keep %s offline and its passphrase safe: whoever holds both can publish referents.\n", filepath.Join(*dir, orgKeyFile))
	})
}

// workFactor is the scrypt work factor for sealing keys: the default, or
// LANTERNE_SCRYPT_WORK_FACTOR for tests and demos on slow machines.
func workFactor(e *env) int {
	var n int
	if _, err := fmt.Sscan(e.getenv("LANTERNE_SCRYPT_WORK_FACTOR"), &n); err == nil && n >= 10 && n <= agekey.DefaultWorkFactor {
		return n
	}
	return agekey.DefaultWorkFactor
}

func loadDraft(dir string) (*directory.Directory, error) {
	b, err := os.ReadFile(filepath.Join(dir, orgDraftFile))
	if err != nil {
		return nil, fmt.Errorf("not an organisation folder (run lanterne org init): %w", err)
	}
	var d directory.Directory
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", orgDraftFile, err)
	}
	return &d, nil
}

func saveDraft(dir string, d *directory.Directory) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, orgDraftFile), append(b, '\n'), 0o600)
}

func loadSigner(e *env, dir string) (*orgkey.Signer, error) {
	sealed, err := os.ReadFile(filepath.Join(dir, orgKeyFile))
	if err != nil {
		return nil, err
	}
	pass, err := secret(e, "LANTERNE_PASSPHRASE", "Passphrase for the organisation key", false)
	if err != nil {
		return nil, err
	}
	return orgkey.UnmarshalPrivate(sealed, pass)
}

func orgAddReferent(e *env, args []string) error {
	fs := flags(e, "org add-referent", "org add-referent --dir DIR --public FILE --name NAME --routes avdhas,whistleblowing")
	dir := fs.String("dir", "", "organisation folder")
	public := fs.String("public", "", "the referent's public key file (from lanterne referent keygen)")
	name := fs.String("name", "", "the referent's name as reporters will see it")
	routes := fs.String("routes", "avdhas", "routes the referent reads: avdhas, whistleblowing, conflict")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *public == "" || *name == "" {
		return usagef("org add-referent needs --dir, --public and --name")
	}
	d, err := loadDraft(*dir)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(*public)
	if err != nil {
		return err
	}
	var r directory.Referent
	if err := json.Unmarshal(b, &r); err != nil || r.ID == "" || r.AgeRecipient == "" || len(r.VerifyKey) == 0 {
		return fmt.Errorf("%s is not a referent public key file", *public)
	}
	r.Name = *name
	r.Routes = nil
	for _, rt := range splitList(*routes) {
		r.Routes = append(r.Routes, directory.RouteID(rt))
	}
	if d.Referent(r.ID) != nil {
		return fmt.Errorf("referent %s is already in the directory (remove it first to change it)", r.ID)
	}
	d.Referents = append(d.Referents, r)
	if err := saveDraft(*dir, d); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Referent %s added to the draft; run lanterne org publish to make it effective.\n", r.ID)
	return nil
}

func orgRemoveReferent(e *env, args []string) error {
	fs := flags(e, "org remove-referent", "org remove-referent --dir DIR --id REFERENT-ID")
	dir := fs.String("dir", "", "organisation folder")
	id := fs.String("id", "", "the referent's id")
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := loadDraft(*dir)
	if err != nil {
		return err
	}
	n := len(d.Referents)
	d.Referents = slices.DeleteFunc(d.Referents, func(r directory.Referent) bool { return r.ID == *id })
	if len(d.Referents) == n {
		return fmt.Errorf("no referent %s in the directory", *id)
	}
	if err := saveDraft(*dir, d); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Referent %s removed from the draft. Publish, then have a remaining referent rotate the keys of the cases %s could read.\n", *id, *id)
	return nil
}

func orgRotate(e *env, args []string) error {
	fs := flags(e, "org rotate-key", "org rotate-key --dir DIR")
	dir := fs.String("dir", "", "organisation folder")
	if err := parse(fs, args); err != nil {
		return err
	}
	signer, err := loadSigner(e, *dir)
	if err != nil {
		return err
	}
	if err := signer.Rotate(); err != nil {
		return err
	}
	d, err := loadDraft(*dir)
	if err != nil {
		return err
	}
	d.Keys = signer.Chain()
	pass, err := secret(e, "LANTERNE_PASSPHRASE", "Passphrase for the organisation key", false)
	if err != nil {
		return err
	}
	sealed, err := signer.MarshalPrivate(pass, workFactor(e))
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(*dir, orgKeyFile), sealed, 0o600); err != nil {
		return err
	}
	if err := saveDraft(*dir, d); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "New signing key in use; the fingerprint is unchanged (%s). Publish to use it.\n", signer.Fingerprint())
	return nil
}

// signDraft signs the draft as the next version, valid for validity.
func signDraft(e *env, dir string, validity time.Duration) ([]byte, *directory.Directory, error) {
	d, err := loadDraft(dir)
	if err != nil {
		return nil, nil, err
	}
	signer, err := loadSigner(e, dir)
	if err != nil {
		return nil, nil, err
	}
	now := e.now().UTC().Truncate(time.Second)
	d.Version++
	d.IssuedAt, d.ExpiresAt = now, now.Add(validity)
	d.Keys = signer.Chain()
	// A route nobody reads is left out of what is signed, with a warning:
	// reporters will not be offered it. The draft keeps it.
	pub := *d
	pub.Routes = nil
	for _, rt := range d.Routes {
		served := slices.ContainsFunc(d.Referents, func(r directory.Referent) bool { return r.Serves(rt.ID) })
		if served {
			pub.Routes = append(pub.Routes, rt)
			continue
		}
		fmt.Fprintf(e.stderr, "warning: no referent reads the %q route: it is left out, and reporters will not be offered it.\n", rt.ID)
	}
	signed, err := signer.Sign(&pub)
	if err != nil {
		return nil, nil, err
	}
	if err := saveDraft(dir, d); err != nil {
		return nil, nil, err
	}
	if err := writeFileAtomic(filepath.Join(dir, orgSignedFile), signed, 0o644); err != nil {
		return nil, nil, err
	}
	return signed, &pub, nil
}

func orgPublish(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "org publish", "org publish --dir DIR --server URL [--valid 2160h]")
	dir := fs.String("dir", "", "organisation folder")
	server := fs.String("server", "", "Lanterne server URL (omit to only sign into DIR/signed.json)")
	validity := fs.Duration("valid", 90*24*time.Hour, "how long the signed directory stays valid")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("org publish needs --dir")
	}
	signed, d, err := signDraft(e, *dir, *validity)
	if err != nil {
		return err
	}
	if *server != "" {
		if err := httpJSON(ctx, http.MethodPut, strings.TrimRight(*server, "/")+"/api/v1/orgs/"+d.OrgID+"/directory", "", signed, nil); err != nil {
			return fmt.Errorf("publishing: %w", err)
		}
	}
	return output(e, *asJSON, map[string]any{"org_id": d.OrgID, "version": d.Version, "expires_at": d.ExpiresAt, "fingerprint": d.Fingerprint(), "published": *server != ""}, func(w io.Writer) {
		fmt.Fprintf(w, "Directory version %d of %s signed, valid until %s.\n", d.Version, d.OrgID, d.ExpiresAt.Format(time.DateOnly))
		if *server != "" {
			fmt.Fprintf(w, "Published to %s.\n", *server)
		}
	})
}

func orgRegister(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "org register", "org register --server URL --id ORG-ID --name NAME --fingerprint FP  (operator token in LANTERNE_OPERATOR_TOKEN)")
	server := fs.String("server", "", "Lanterne server URL")
	id := fs.String("id", "", "organisation id")
	name := fs.String("name", "", "organisation name")
	fp := fs.String("fingerprint", "", "the organisation's fingerprint, from lanterne org init")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *server == "" || *id == "" || *name == "" || *fp == "" {
		return usagef("org register needs --server, --id, --name and --fingerprint")
	}
	token, err := secret(e, "LANTERNE_OPERATOR_TOKEN", "Operator token", false)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(map[string]string{"org_id": *id, "name": *name, "fingerprint": *fp})
	if err := httpJSON(ctx, http.MethodPost, strings.TrimRight(*server, "/")+"/api/v1/admin/orgs", token, body, nil); err != nil {
		return fmt.Errorf("registering: %w", err)
	}
	fmt.Fprintf(e.stdout, "Organisation %s registered on %s with fingerprint %s.\n", *id, *server, *fp)
	return nil
}

// httpJSON sends body (JSON bytes) and decodes a JSON answer into out.
func httpJSON(ctx context.Context, method, url, bearer string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		e := &httpError{Status: resp.StatusCode, Message: resp.Status}
		var apiErr struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &apiErr) == nil && apiErr.Error != "" {
			e.Message = apiErr.Error + " (" + resp.Status + ")"
		}
		return e
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// httpError is a non-2xx answer from the server.
type httpError struct {
	Status  int
	Message string
}

func (e *httpError) Error() string { return "server: " + e.Message }

// writeFileAtomic writes to a temporary file and renames it into place.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
