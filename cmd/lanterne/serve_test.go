package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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

// TestDemoSetUpTwice runs the demo's setup twice on one data folder, as a
// second `lanterne demo` does: the organisation is already registered (409),
// which must not stop the demo, and the directory is published again.
func TestDemoSetUpTwice(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	data := filepath.Join(t.TempDir(), "data")
	_, url := startServer(t, buildBinary(t), data, nil)
	token, err := os.ReadFile(filepath.Join(data, operatorTokenFile))
	if err != nil {
		t.Fatal(err)
	}
	e, _, _ := testEnv(nil)
	e.now = time.Now
	first, err := setUpDemo(context.Background(), e, data, url, strings.TrimSpace(string(token)))
	if err != nil {
		t.Fatal(err)
	}
	second, err := setUpDemo(context.Background(), e, data, url, strings.TrimSpace(string(token)))
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	if first != second {
		t.Errorf("the fingerprint changed between runs: %s, then %s", first, second)
	}
	if _, err := setUpDemo(context.Background(), e, data, url, "wrong-token"); err == nil {
		t.Error("a wrong operator token was taken for an already registered organisation")
	}
}
