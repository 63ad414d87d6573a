package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadNotifier(t *testing.T) {
	e, _, _ := testEnv(nil)
	dir := t.TempDir()
	conf := `{"mairie-test": {"name": "Mairie de Test", "smtp": {"host": "127.0.0.1", "port": 2525, "from": "lanterne@example.org", "to": ["referents@example.org"]}}}`
	path := filepath.Join(dir, "notify.json")

	os.WriteFile(path, []byte(conf), 0o644)
	if _, _, err := loadNotifier(e, path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("a world-readable file of SMTP credentials was accepted: %v", err)
	}
	os.Chmod(path, 0o600)
	n, orgs, err := loadNotifier(e, path)
	if err != nil || n == nil || len(orgs) != 1 || orgs[0] != "mairie-test" {
		t.Fatalf("loadNotifier: %v, %v", orgs, err)
	}
	os.WriteFile(path, []byte("{not json"), 0o600)
	if _, _, err := loadNotifier(e, path); err == nil {
		t.Error("malformed JSON accepted")
	}
	if n, _, err := loadNotifier(e, ""); n != nil || err != nil {
		t.Error("no file should mean no notifier")
	}
}
