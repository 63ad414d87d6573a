package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/directory"
)

// testEnv runs commands in-process with a fixed clock and the given
// environment variables; no terminal, so secrets must come from vars.
func testEnv(vars map[string]string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errb,
		getenv: func(k string) string { return vars[k] },
		now:    func() time.Time { return time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC) },
	}, &out, &errb
}

func mustRun(t testing.TB, e *env, args ...string) {
	t.Helper()
	if code := run(context.Background(), e, args); code != 0 {
		t.Fatalf("lanterne %s: exit %d: %s", strings.Join(args, " "), code, e.stderr.(*bytes.Buffer))
	}
}

func TestOrgAdminFlow(t *testing.T) {
	dir := t.TempDir()
	vars := map[string]string{"LANTERNE_PASSPHRASE": "phrase de passe", "LANTERNE_SCRYPT_WORK_FACTOR": "10"}
	e, out, _ := testEnv(vars)
	orgDir := filepath.Join(dir, "org")
	mustRun(t, e, "org", "init", "--dir", orgDir, "--id", "mairie-test", "--name", "Mairie de Test", "--json")
	var init struct{ Fingerprint string }
	if err := json.Unmarshal(out.Bytes(), &init); err != nil || init.Fingerprint == "" {
		t.Fatalf("org init output: %s", out)
	}
	for _, id := range []string{"alice", "chloe"} {
		mustRun(t, e, "referent", "keygen", "--id", id, "--out", filepath.Join(dir, id+".key"))
	}
	mustRun(t, e, "org", "add-referent", "--dir", orgDir, "--public", filepath.Join(dir, "alice.key.pub.json"), "--name", "Alice Martin", "--routes", "avdhas,whistleblowing")
	mustRun(t, e, "org", "add-referent", "--dir", orgDir, "--public", filepath.Join(dir, "chloe.key.pub.json"), "--name", "Chloé Bernard", "--routes", "conflict")
	mustRun(t, e, "org", "publish", "--dir", orgDir)
	mustRun(t, e, "org", "publish", "--dir", orgDir)

	signed, err := os.ReadFile(filepath.Join(orgDir, orgSignedFile))
	if err != nil {
		t.Fatal(err)
	}
	d, err := directory.Verify(signed, strings.ToLower(init.Fingerprint), 1, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatalf("the published directory does not verify against the printed fingerprint: %v", err)
	}
	if d.Version != 2 || len(d.Referents) != 2 || !d.Referent("chloe").Serves(directory.RouteConflict) {
		t.Errorf("directory: version %d, %d referents", d.Version, len(d.Referents))
	}

	// After a key rotation the fingerprint on the posters still verifies.
	mustRun(t, e, "org", "rotate-key", "--dir", orgDir)
	mustRun(t, e, "org", "remove-referent", "--dir", orgDir, "--id", "chloe")
	mustRun(t, e, "org", "publish", "--dir", orgDir)
	signed, _ = os.ReadFile(filepath.Join(orgDir, orgSignedFile))
	d, err = directory.Verify(signed, init.Fingerprint, 2, time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC))
	if err != nil || d.Referent("chloe") != nil || len(d.Keys) != 2 {
		t.Fatalf("after rotation: %v", err)
	}

	// Key files are private; a wrong passphrase is refused.
	if fi, _ := os.Stat(filepath.Join(dir, "alice.key")); fi.Mode().Perm() != 0o600 {
		t.Errorf("referent key mode %v", fi.Mode().Perm())
	}
	bad, _, errb := testEnv(map[string]string{"LANTERNE_PASSPHRASE": "wrong"})
	if code := run(context.Background(), bad, []string{"org", "publish", "--dir", orgDir}); code == 0 || !strings.Contains(errb.String(), "passphrase") {
		t.Errorf("wrong passphrase: exit %d, %s", code, errb)
	}
	// Refuses to overwrite.
	if code := run(context.Background(), e, []string{"org", "init", "--dir", orgDir, "--id", "mairie-test", "--name", "x"}); code == 0 {
		t.Error("org init overwrote an organisation key")
	}
	if code := run(context.Background(), e, []string{"org", "frobnicate"}); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}
