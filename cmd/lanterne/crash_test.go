package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/lanterne/lanterne/client"
	"github.com/lanterne/lanterne/crypto/directory"
	"github.com/lanterne/lanterne/crypto/envelope"
	"github.com/lanterne/lanterne/crypto/referentkey"
)

// TestKillDuringSubmissions kills the server with SIGKILL while reporters
// submit concurrently, restarts it on the same data, and checks that every
// submission the server acknowledged is there, and that bbolt finds the
// file consistent.
func TestKillDuringSubmissions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := context.Background()
	bin := buildBinary(t)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	srv, url := startServer(t, bin, data, nil)

	c, d := setUpOrg(t, dir, data, url)

	// Eight reporters submit until the server dies.
	var (
		mu    sync.Mutex
		acked []string
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				sub := &client.Submission{Report: envelope.Report{
					Channel: envelope.ChannelAVDHAS, Role: envelope.RoleVictim, Category: envelope.CategoryThreats,
					Facts: strings.Repeat("fait ", 200) + string(rune('a'+w)),
				}}
				rec, err := c.Submit(ctx, d, sub, nil)
				if err != nil {
					if rec == nil {
						return // the server is gone
					}
				}
				if rec != nil {
					mu.Lock()
					acked = append(acked, rec.LookupID)
					mu.Unlock()
				}
			}
		}()
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 40 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := srv.Process.Kill(); err != nil { // SIGKILL: no shutdown, no flush
		t.Fatal(err)
	}
	srv.Wait()
	close(stop)
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d submissions before the kill: the test proves little", len(acked))
	}

	// bbolt finds the file consistent.
	db, err := bolt.Open(filepath.Join(data, storeFile), 0o600, &bolt.Options{Timeout: time.Second, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Errorf("bbolt check after kill -9: %v", err)
	}
	db.Close()

	// Restarted, the server has every acknowledged case.
	_, url = startServer(t, bin, data, nil)
	c = client.New(url, nil)
	sealed, _ := os.ReadFile(filepath.Join(dir, "alice.key"))
	key, err := referentkey.Parse(sealed, "p")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := c.Login(ctx, d, key)
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := rs.Inbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, cs := range inbox {
		have[cs.LookupID] = true
	}
	for _, id := range acked {
		if !have[id] {
			t.Errorf("acknowledged case %s lost after kill -9", id)
		}
	}
	t.Logf("%d acknowledged submissions, %d cases after restart", len(acked), len(inbox))
}

// setUpOrg makes an organisation "crash" with one referent, alice (key in
// dir/alice.key, passphrase "p"), reading every route; registers it with the
// server at url and publishes its directory. It returns a client and the
// verified directory.
func setUpOrg(t testing.TB, dir, data, url string) (*client.Client, *directory.Directory) {
	t.Helper()
	ctx := context.Background()
	e, out, _ := testEnv(map[string]string{"LANTERNE_PASSPHRASE": "p", "LANTERNE_SCRYPT_WORK_FACTOR": "10"})
	e.now = time.Now // the directory is checked by a real server's clock
	orgDir := filepath.Join(dir, "org")
	mustRun(t, e, "org", "init", "--dir", orgDir, "--id", "crash", "--name", "Crash test", "--json")
	var init struct{ Fingerprint string }
	json.Unmarshal(out.Bytes(), &init)
	mustRun(t, e, "referent", "keygen", "--id", "alice", "--out", filepath.Join(dir, "alice.key"))
	mustRun(t, e, "org", "add-referent", "--dir", orgDir, "--public", filepath.Join(dir, "alice.key.pub.json"), "--name", "Alice", "--routes", "avdhas,whistleblowing,conflict")
	token, _ := os.ReadFile(filepath.Join(data, operatorTokenFile))
	body, _ := json.Marshal(map[string]string{"org_id": "crash", "name": "Crash test", "fingerprint": init.Fingerprint})
	if err := httpJSON(ctx, http.MethodPost, url+"/api/v1/admin/orgs", strings.TrimSpace(string(token)), body, nil); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e, "org", "publish", "--dir", orgDir, "--server", url)
	c := client.New(url, &http.Client{Timeout: 30 * time.Second})
	d, err := c.Directory(ctx, &client.Pin{OrgID: "crash", Fingerprint: init.Fingerprint})
	if err != nil {
		t.Fatal(err)
	}
	return c, d
}
