package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/lanterne/lanterne/server/web"
)

// The demo's fixed passphrase: the demo's keys protect nothing real.
const demoPassphrase = "demo"

// cmdDemo runs a server on loopback with a demo organisation and two demo
// referents (one for the usual routes, one for reports that involve the
// authority), and prints what to try. It reuses its data folder on the next
// run, publishing a fresh directory version each time.
func cmdDemo(ctx context.Context, e *env, args []string) error {
	fs := flags(e, "demo", "demo [--data DIR] [--addr 127.0.0.1:8080]")
	data := fs.String("data", "lanterne-demo", "data folder for the demo")
	addr := fs.String("addr", "127.0.0.1:8080", "loopback address to listen on")
	if err := parse(fs, args); err != nil {
		return err
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return usagef("--addr: %v", err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return usagef("the demo listens on loopback only (its keys' passphrase is %q); use lanterne serve for anything else", demoPassphrase)
	}
	inst, err := openInstance(e, *data, false, nil, demoWebSettings)
	if err != nil {
		return err
	}
	defer inst.store.Close()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("%w (is another server running? try --addr 127.0.0.1:0)", err)
	}
	url := "http://" + ln.Addr().String()
	done := make(chan error, 1)
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { done <- inst.serve(sctx, ln, "", "") }()

	fp, err := setUpDemo(ctx, e, *data, url, inst.token)
	if err != nil {
		stop()
		<-done
		return err
	}
	abs, _ := filepath.Abs(*data)
	sample := filepath.Join(abs, "exemple-signalement.json")
	if err := writeFileAtomic(sample, []byte(demoReport), 0o600); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, `Lanterne demo is running at %[1]s/ (data in %[2]s).

Reporter pages (the link a poster gives, with the pinned fingerprint):
  %[1]s/o/demo/#fp=%[3]s
  make a report: %[1]s/o/demo/signaler#fp=%[3]s
  follow it:     %[1]s/o/demo/suivi#fp=%[3]s

Organisation: demo — fingerprint %[3]s
Referent keys (passphrase %[4]q): %[2]s/referent-demo.key (AVDHAS and whistleblowing)
                                  %[2]s/referent-conflit.key (reports involving the authority)
API: %[1]s/api/v1/orgs/demo/directory

Or, from the command line, in another terminal:
  export LANTERNE_PASSPHRASE=%[4]s
  go run ./cmd/lanterne report submit --server %[1]s --org demo --fingerprint %[3]s --report %[5]s
  go run ./cmd/lanterne referent inbox --server %[1]s --org demo --fingerprint %[3]s --key %[2]s/referent-demo.key
  go run ./cmd/lanterne referent show --server %[1]s --org demo --fingerprint %[3]s --key %[2]s/referent-demo.key --case LOOKUP-ID
  LANTERNE_CASE_CODE=CODE go run ./cmd/lanterne report messages --server %[1]s --org demo --fingerprint %[3]s

Press Ctrl-C to stop.
`, url, abs, fp, demoPassphrase, sample)
	return <-done
}

// setUpDemo makes the demo organisation on first run, registers it with the
// server and publishes its directory; it returns the fingerprint.
func setUpDemo(ctx context.Context, e *env, data, url, token string) (string, error) {
	vars := map[string]string{"LANTERNE_PASSPHRASE": demoPassphrase, "LANTERNE_SCRYPT_WORK_FACTOR": "12"}
	var quiet bytes.Buffer
	de := &env{stdin: strings.NewReader(""), stdout: &quiet, stderr: &quiet, now: e.now,
		getenv: func(k string) string { return vars[k] }}
	do := func(args ...string) error {
		if code := run(ctx, de, args); code != 0 {
			return fmt.Errorf("demo setup: lanterne %s failed: %s", strings.Join(args, " "), quiet.String())
		}
		return nil
	}
	orgDir := filepath.Join(data, "org")
	if _, err := os.Stat(filepath.Join(orgDir, orgKeyFile)); errors.Is(err, os.ErrNotExist) {
		steps := [][]string{
			{"org", "init", "--dir", orgDir, "--id", "demo", "--name", "Organisation de démonstration"},
			{"referent", "keygen", "--id", "referent-demo", "--out", filepath.Join(data, "referent-demo.key")},
			{"referent", "keygen", "--id", "referent-conflit", "--out", filepath.Join(data, "referent-conflit.key")},
			{"org", "add-referent", "--dir", orgDir, "--public", filepath.Join(data, "referent-demo.key.pub.json"), "--name", "Camille Référente", "--routes", "avdhas,whistleblowing"},
			{"org", "add-referent", "--dir", orgDir, "--public", filepath.Join(data, "referent-conflit.key.pub.json"), "--name", "Dominique Déontologue", "--routes", "conflict"},
		}
		for _, s := range steps {
			if err := do(s...); err != nil {
				return "", err
			}
		}
	}
	d, err := loadDraft(orgDir)
	if err != nil {
		return "", err
	}
	fp := d.Fingerprint()
	body, _ := json.Marshal(map[string]string{"org_id": d.OrgID, "name": d.OrgName, "fingerprint": fp})
	err = httpJSON(ctx, http.MethodPost, url+"/api/v1/admin/orgs", token, body, nil)
	var he *httpError
	if err != nil && !(errors.As(err, &he) && he.Status == http.StatusConflict) { // 409: registered on an earlier run
		return "", fmt.Errorf("demo setup: registering the organisation: %w", err)
	}
	if err := do("org", "publish", "--dir", orgDir, "--server", url); err != nil {
		return "", err
	}
	return fp, nil
}

// demoWebSettings give the demo organisation's help page contacts of its
// own, as an operator's --web-settings file would.
var demoWebSettings = map[string]web.OrgSettings{"demo": {Help: []web.Contact{
	{Name: map[string]string{"fr": "Médecine de prévention (démonstration)", "en": "Occupational health (demo)"},
		Details: map[string]string{"fr": "Consultations confidentielles, sur rendez-vous.", "en": "Confidential consultations, by appointment."},
		Phone:   "01 00 00 00 00"},
	{Name: map[string]string{"fr": "Assistante sociale du personnel (démonstration)", "en": "Staff social worker (demo)"},
		Email: "social@demo.invalid"},
}}}

// demoReport is the sample report the demo writes next to its data.
const demoReport = `{
  "category": "moral_harassment",
  "facts": "Exemple : depuis trois mois, mon responsable me retire mes dossiers et me dénigre en réunion.",
  "when": "depuis septembre",
  "where": "service des finances",
  "persons_involved": "mon responsable direct",
  "witnesses": "deux collègues",
  "wishes": {"meeting": true, "other": ""}
}
`
