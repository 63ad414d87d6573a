package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lanterne/lanterne/store"
)

// TestBackupCommand runs `lanterne backup` against a running `lanterne
// serve` holding one case: a wrong token leaves no file; the right one
// writes a copy that `lanterne audit store` accepts and that holds the case,
// while the server keeps serving.
func TestBackupCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t)
	baseEnv := append(os.Environ(), "LANTERNE_PASSPHRASE=backup passphrase", "LANTERNE_SCRYPT_WORK_FACTOR=10")
	lanterne := func(extraEnv []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(baseEnv, extraEnv...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		return out.String() + errb.String(), err
	}
	must := func(extraEnv []string, args ...string) string {
		t.Helper()
		out, err := lanterne(extraEnv, args...)
		if err != nil {
			t.Fatalf("lanterne %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}

	data := filepath.Join(dir, "data")
	var serverLog bytes.Buffer
	_, url := startServer(t, bin, data, &serverLog)
	token, _ := os.ReadFile(filepath.Join(data, operatorTokenFile))
	opEnv := []string{"LANTERNE_OPERATOR_TOKEN=" + strings.TrimSpace(string(token))}

	org := filepath.Join(dir, "org")
	var initOut struct{ Fingerprint string }
	json.Unmarshal([]byte(must(nil, "org", "init", "--dir", org, "--id", "ville-bk", "--name", "Ville de Sauvegarde", "--json")), &initOut)
	must(nil, "referent", "keygen", "--id", "alice", "--out", filepath.Join(dir, "alice.key"))
	must(nil, "org", "add-referent", "--dir", org, "--public", filepath.Join(dir, "alice.key.pub.json"), "--name", "alice", "--routes", "avdhas,whistleblowing,conflict")
	must(opEnv, "org", "register", "--server", url, "--id", "ville-bk", "--name", "Ville de Sauvegarde", "--fingerprint", initOut.Fingerprint)
	must(nil, "org", "publish", "--dir", org, "--server", url)
	report, _ := json.Marshal(map[string]any{"category": "sexual_harassment", "facts": "Propos déplacés répétés.", "where": "Service technique"})
	os.WriteFile(filepath.Join(dir, "report.json"), report, 0o600)
	var receipt struct{ LookupID string }
	out := must(nil, "report", "submit", "--server", url, "--org", "ville-bk", "--fingerprint", initOut.Fingerprint,
		"--report", filepath.Join(dir, "report.json"), "--json")
	if err := json.Unmarshal([]byte(out), &receipt); err != nil || receipt.LookupID == "" {
		t.Fatalf("receipt: %v\n%s", err, out)
	}

	backup := filepath.Join(dir, "backups", "lanterne.db")
	os.Mkdir(filepath.Dir(backup), 0o700)
	for _, tc := range []struct {
		name string
		env  []string
		args []string
	}{
		{"wrong token", []string{"LANTERNE_OPERATOR_TOKEN=not-the-token"}, []string{"--server", url, "--out", backup}},
		{"no server", opEnv, []string{"--out", backup}},
	} {
		if out, err := lanterne(tc.env, append([]string{"backup"}, tc.args...)...); err == nil {
			t.Errorf("%s: backup succeeded:\n%s", tc.name, out)
		}
		if entries, _ := os.ReadDir(filepath.Dir(backup)); len(entries) != 0 {
			t.Fatalf("%s: a failed backup left %d file(s) behind", tc.name, len(entries))
		}
	}

	var res backupResult
	if err := json.Unmarshal([]byte(must(opEnv, "backup", "--server", url, "--out", backup, "--json")), &res); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(backup)
	if err != nil || fi.Size() != res.Bytes || res.Values == 0 || res.ByKind["report"] != 1 {
		t.Fatalf("backup result %+v, file %v (%v)", res, fi, err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(backup)); len(entries) != 1 {
		t.Errorf("the backup folder holds %d entries, want only the backup", len(entries))
	}
	if out, err := lanterne(nil, "audit", "store", backup); err != nil || !strings.Contains(out, "OK:") {
		t.Fatalf("audit store on the backup: %v\n%s", err, out)
	}
	s, err := store.OpenReadOnly(backup)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Case(t.Context(), "ville-bk", receipt.LookupID); err != nil {
		t.Errorf("the backup lacks the case: %v", err)
	}
	// The server is still serving.
	must(nil, "report", "submit", "--server", url, "--org", "ville-bk", "--fingerprint", initOut.Fingerprint,
		"--report", filepath.Join(dir, "report.json"), "--json")
	if !strings.Contains(serverLog.String(), `"route":"GET /api/v1/admin/backup"`) {
		t.Errorf("the server's log lacks the backup route:\n%.800s", serverLog.String())
	}
}
