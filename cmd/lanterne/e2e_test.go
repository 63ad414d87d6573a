package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestEndToEnd drives the real binary over HTTP through a whole case: an
// organisation with three referents, a report with a sealed identity and a
// 10 MiB attachment, the referent's reading and reply, the identity request
// and release, the statuses to closure, then `audit store` on the stopped
// server's file. Unique canary strings from every field, the attachment's
// content and its file name must never appear in the store or in the
// server's log.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dir := t.TempDir()
	bin := buildBinary(t)
	baseEnv := append(os.Environ(), "LANTERNE_PASSPHRASE=e2e passphrase", "LANTERNE_SCRYPT_WORK_FACTOR=10")
	lanterne := func(stdin string, extraEnv []string, args ...string) (string, error) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(baseEnv, extraEnv...)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if err != nil {
			return out.String() + errb.String(), err
		}
		return out.String(), nil
	}
	must := func(stdin string, extraEnv []string, args ...string) string {
		t.Helper()
		out, err := lanterne(stdin, extraEnv, args...)
		if err != nil {
			t.Fatalf("lanterne %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}

	// The server, on a random loopback port, its log captured.
	data := filepath.Join(dir, "data")
	var serverLog bytes.Buffer
	srv, url := startServer(t, bin, data, &serverLog)

	// The organisation: Alice and Bruno read AVDHAS, Chloé the conflict route.
	org := filepath.Join(dir, "org")
	var initOut struct{ Fingerprint string }
	json.Unmarshal([]byte(must("", nil, "org", "init", "--dir", org, "--id", "ville-e2e", "--name", "Ville de Test", "--json")), &initOut)
	fp := initOut.Fingerprint
	for _, r := range []struct{ id, routes string }{{"alice", "avdhas,whistleblowing"}, {"bruno", "avdhas"}, {"chloe", "conflict"}} {
		must("", nil, "referent", "keygen", "--id", r.id, "--out", filepath.Join(dir, r.id+".key"))
		must("", nil, "org", "add-referent", "--dir", org, "--public", filepath.Join(dir, r.id+".key.pub.json"), "--name", r.id, "--routes", r.routes)
	}
	token, _ := os.ReadFile(filepath.Join(data, operatorTokenFile))
	must("", []string{"LANTERNE_OPERATOR_TOKEN=" + strings.TrimSpace(string(token))}, "org", "register", "--server", url, "--id", "ville-e2e", "--name", "Ville de Test", "--fingerprint", fp)
	must("", nil, "org", "publish", "--dir", org, "--server", url)
	orgArgs := []string{"--server", url, "--org", "ville-e2e", "--fingerprint", fp}
	referent := func(id, sub string, args ...string) string {
		t.Helper()
		return must("", nil, append(append([]string{"referent", sub}, orgArgs...), append([]string{"--key", filepath.Join(dir, id+".key")}, args...)...)...)
	}

	// The report, with canaries everywhere and Bruno excluded.
	canary := func(field string) string { return "CANARY-" + field + "-" + rand.Text()[:10] }
	facts, where, who, name, contact, fileName, fileContent := canary("facts"), canary("where"), canary("who"), canary("name"), canary("contact"), canary("filename"), canary("content")
	report, _ := json.Marshal(map[string]any{
		"category": "sexual_harassment", "facts": facts, "where": where, "persons_involved": who,
		"when": canary("when"), "witnesses": canary("witnesses"),
		"conflict": map[string]any{"involves_authority": false, "excluded_referents": []string{"bruno"}},
	})
	identity, _ := json.Marshal(map[string]string{"name": name, "contact": contact})
	os.WriteFile(filepath.Join(dir, "report.json"), report, 0o600)
	os.WriteFile(filepath.Join(dir, "identity.json"), identity, 0o600)
	attachment := filepath.Join(dir, fileName+".txt")
	big := bytes.Repeat([]byte(fileContent+"\n"), 10<<20/(len(fileContent)+1))
	os.WriteFile(attachment, big, 0o600)

	var receipt struct {
		Code     string
		LookupID string
	}
	out := must("", nil, append(append([]string{"report", "submit"}, orgArgs...), "--report", filepath.Join(dir, "report.json"),
		"--identity", filepath.Join(dir, "identity.json"), "--identity-release", "later", "--attach", attachment, "--json")...)
	if err := json.Unmarshal([]byte(out), &receipt); err != nil || receipt.Code == "" {
		t.Fatalf("receipt: %v\n%s", err, out)
	}
	codeEnv := []string{"LANTERNE_CASE_CODE=" + receipt.Code}

	// Alice sees the facts, not the identity; Bruno and Chloé see nothing.
	if inbox := referent("alice", "inbox"); !strings.Contains(inbox, receipt.LookupID) {
		t.Fatalf("alice's inbox lacks the case:\n%s", inbox)
	}
	for _, id := range []string{"bruno", "chloe"} {
		if inbox := referent(id, "inbox"); strings.Contains(inbox, receipt.LookupID) {
			t.Errorf("%s, not a reader of this case, lists it", id)
		}
		if out, err := lanterne("", nil, append(append([]string{"referent", "show"}, orgArgs...), "--key", filepath.Join(dir, id+".key"), "--case", receipt.LookupID)...); err == nil || strings.Contains(out, facts) {
			t.Errorf("%s opened the case: %s", id, out)
		}
	}
	show := referent("alice", "show", "--case", receipt.LookupID)
	if !strings.Contains(show, facts) || !strings.Contains(show, fileName) || strings.Contains(show, name) || !strings.Contains(show, "Identity: sealed") {
		t.Fatalf("alice's view before release:\n%s", show)
	}

	// Reply, identity request, release.
	os.WriteFile(filepath.Join(dir, "reply.txt"), []byte("Nous accusons réception de votre signalement."), 0o600)
	referent("alice", "status", "--case", receipt.LookupID, "--to", "acknowledged", "--text-file", filepath.Join(dir, "reply.txt"))
	os.WriteFile(filepath.Join(dir, "ask.txt"), []byte("Accepteriez-vous de lever l'anonymat ?"), 0o600)
	referent("alice", "request-identity", "--case", receipt.LookupID, "--text-file", filepath.Join(dir, "ask.txt"))
	msgs := must("", codeEnv, append([]string{"report", "messages"}, orgArgs...)...)
	if !strings.Contains(msgs, "Nous accusons réception") || !strings.Contains(msgs, "alice (identity_request)") || strings.Contains(msgs, "could not be verified") {
		t.Fatalf("the reporter's messages:\n%s", msgs)
	}
	must("", codeEnv, append([]string{"report", "release-identity"}, orgArgs...)...)
	if show := referent("alice", "show", "--case", receipt.LookupID); !strings.Contains(show, name) || !strings.Contains(show, contact) {
		t.Fatalf("identity not visible after release:\n%s", show)
	}

	// The evidence file comes back whole, checked against its manifest.
	export := filepath.Join(dir, "export")
	referent("alice", "export", "--case", receipt.LookupID, "--out", export)
	got, err := os.ReadFile(filepath.Join(export, "01-"+fileName+".txt"))
	if err != nil || !bytes.Equal(got, big) {
		t.Fatalf("exported evidence differs (%d bytes, %v)", len(got), err)
	}

	// To closure.
	for _, st := range []string{"in_analysis", "oriented", "closed"} {
		referent("alice", "status", "--case", receipt.LookupID, "--to", st, "--text-file", filepath.Join(dir, "reply.txt"))
	}
	if status := must("", codeEnv, append([]string{"report", "status"}, orgArgs...)...); !strings.Contains(status, "Status: closed") {
		t.Fatalf("reporter's status:\n%s", status)
	}

	// A hot backup while serving, audited by the backup command itself.
	backupFile := filepath.Join(dir, "backup.db")
	must("", []string{"LANTERNE_OPERATOR_TOKEN=" + strings.TrimSpace(string(token))}, "backup", "--server", url, "--out", backupFile)
	backup, err := os.ReadFile(backupFile)
	if err != nil || !bytes.Contains(backup, []byte(receipt.LookupID)) {
		t.Fatalf("the backup does not hold the case: %v", err)
	}

	// Stop the server; the store holds only ciphertext and metadata.
	srv.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("the server did not stop on SIGTERM")
	}
	dbFile := filepath.Join(data, storeFile)
	if out, err := lanterne("", nil, "audit", "store", dbFile); err != nil {
		t.Fatalf("audit store: %v\n%s", err, out)
	}
	db, _ := os.ReadFile(dbFile)
	for _, c := range []string{facts, where, who, name, contact, fileName, fileContent, receipt.Code, strings.ReplaceAll(receipt.Code, "-", "")} {
		if bytes.Contains(db, []byte(c)) {
			t.Errorf("the store file contains %q in clear", c)
		}
		if strings.Contains(serverLog.String(), c) {
			t.Errorf("the server's log contains %q", c)
		}
		if bytes.Contains(backup, []byte(c)) {
			t.Errorf("the backup contains %q in clear", c)
		}
	}
	if !strings.Contains(serverLog.String(), `"route":"POST /api/v1/orgs/{org}/cases"`) {
		t.Fatalf("the server's log does not record requests, so the checks above prove nothing:\n%.500s", serverLog.String())
	}
	for _, leak := range []string{"127.0.0.1", receipt.LookupID} {
		if strings.Contains(serverLog.String(), leak) {
			t.Errorf("the server's log contains %q", leak)
		}
	}
}

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildBinary builds the lanterne command once per test run.
func buildBinary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "lanterne-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "lanterne")
		if out, err := exec.Command("go", "build", "-o", builtBin, ".").CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// startServer runs `lanterne serve` on a random loopback port and returns
// the process and its URL; the process is killed when the test ends.
func startServer(t testing.TB, bin, data string, log io.Writer) (*exec.Cmd, string) {
	t.Helper()
	srv := exec.Command(bin, "serve", "--data", data, "--addr", "127.0.0.1:0")
	srv.Stderr = log
	stdout, _ := srv.StdoutPipe()
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Process.Kill(); srv.Wait() })
	r := bufio.NewReader(stdout)
	line, err := r.ReadString('\n')
	if err != nil {
		t.Fatalf("server did not start: %v", err)
	}
	url := regexp.MustCompile(`http://127\.0\.0\.1:\d+`).FindString(line)
	if url == "" {
		t.Fatalf("no URL in %q", line)
	}
	go r.WriteTo(io.Discard)
	return srv, url
}
