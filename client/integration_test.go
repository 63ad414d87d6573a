package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/lanterne/lanterne/server"
	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/store"
)

const testOperatorToken = "operator-token-for-client-tests"

// newRealEnv runs the real server on a real store in a temporary
// directory, registers an organisation with the operator route and
// publishes its signed directory.
func newRealEnv(t *testing.T) *flowEnv {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "lanterne.db"), store.Options{BatchDelay: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv, err := server.New(server.Config{Store: st, Now: func() time.Time { return testNow }, OperatorToken: testOperatorToken})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)

	o := newTestOrg(t, "mairie-integration")
	send := func(method, path, token string, body []byte, want int) {
		t.Helper()
		req, _ := http.NewRequest(method, ts.URL+path, bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("%s %s: status %d, want %d", method, path, resp.StatusCode, want)
		}
	}
	reg, _ := json.Marshal(api.RegisterOrg{OrgID: o.dir.OrgID, Name: o.dir.OrgName, Fingerprint: o.signer.Fingerprint()})
	send(http.MethodPost, "/api/v1/admin/orgs", testOperatorToken, reg, http.StatusCreated)
	send(http.MethodPut, directoryPath(o.dir.OrgID), "", o.signed, http.StatusNoContent)

	c := New(ts.URL, ts.Client())
	c.Now = func() time.Time { return testNow }
	c.RetryDelay = func(int) time.Duration { return time.Millisecond }
	return &flowEnv{c: c, o: o, pin: Pin{OrgID: o.dir.OrgID, Fingerprint: o.signer.Fingerprint()}, srv: ts}
}

// The scenarios of flow_test.go, against the real server and store.

func TestIntegrationReportFlow(t *testing.T) { runReportFlow(t, newRealEnv(t)) }

func TestIntegrationExcludedReferent(t *testing.T) {
	scenarioExcludedReferentCannotOpen(t, newRealEnv(t))
}

func TestIntegrationNotesHandoverRemove(t *testing.T) {
	scenarioNotesHandoverRemove(t, newRealEnv(t))
}

func TestIntegrationWitnessInvitation(t *testing.T) {
	scenarioWitnessInvitation(t, newRealEnv(t))
}

func TestIntegrationSubmitFailure(t *testing.T) {
	scenarioSubmitFailureAfterCreationKeepsReceipt(t, newRealEnv(t))
}

func TestIntegrationScrubbing(t *testing.T) { scenarioScrubbingByType(t, newRealEnv(t)) }

// TestIntegrationDirectory: the server serves exactly the signed bytes
// published, which verify against the pin.
func TestIntegrationDirectory(t *testing.T) {
	e := newRealEnv(t)
	pin := e.pin
	d, err := e.c.Directory(context.Background(), &pin)
	if err != nil || d.Version != 1 || pin.Version != 1 {
		t.Fatalf("Directory: %v, version %d", err, pin.Version)
	}
}
