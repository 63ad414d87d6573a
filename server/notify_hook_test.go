package server

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/lanterne/lanterne/server/api"
	"github.com/lanterne/lanterne/server/notify"
)

type notified struct {
	org string
	ev  notify.Event
}

func TestNotifyHook(t *testing.T) {
	var mu sync.Mutex
	var got []notified
	e := newEnv(t, func(c *Config) {
		c.Notify = func(org string, ev notify.Event) {
			mu.Lock()
			defer mu.Unlock()
			got = append(got, notified{org, ev})
		}
	})
	take := func() []notified {
		mu.Lock()
		defer mu.Unlock()
		out := got
		got = nil
		return out
	}
	o := e.newOrg("cdg-69")
	rp := e.newReporter(o, caseSpec{})
	e.submit(rp)
	if g := take(); len(g) != 1 || g[0] != (notified{"cdg-69", notify.Event{Kind: notify.NewCase, Count: 1}}) {
		t.Fatalf("after a submission: %+v", g)
	}

	// A refused duplicate submission notifies nothing.
	e.must(req{method: "POST", path: o.path("/cases"), body: rp.nc}, http.StatusConflict, nil)
	if g := take(); len(g) != 0 {
		t.Fatalf("after a refused submission: %+v", g)
	}

	e.must(req{method: "POST", path: rp.path("/messages"), token: rp.token, body: api.PostEntry{Ciphertext: sealTo(t, rp.caseRecipient(), []byte("bonjour"))}}, http.StatusCreated, nil)
	if g := take(); len(g) != 1 || g[0] != (notified{"cdg-69", notify.Event{Kind: notify.NewMessage, Count: 1}}) {
		t.Fatalf("after a reporter message: %+v", g)
	}

	// A message in clear is refused and notifies nothing.
	e.must(req{method: "POST", path: rp.path("/messages"), token: rp.token, body: api.PostEntry{Ciphertext: []byte("en clair")}}, http.StatusUnprocessableEntity, nil)
	if g := take(); len(g) != 0 {
		t.Fatalf("after a refused message: %+v", g)
	}

	// Deadlines: the new case is due for acknowledgement within 7 working
	// days (near), then overdue.
	evs, err := e.srv.DeadlineEvents(t.Context(), "cdg-69", 14)
	if err != nil || len(evs) != 1 || evs[0].Kind != notify.DeadlineNear {
		t.Fatalf("deadlines today: %+v, %v", evs, err)
	}
	e.advance(30 * 24 * time.Hour)
	evs, err = e.srv.DeadlineEvents(t.Context(), "cdg-69", 14)
	if err != nil || len(evs) != 1 || evs[0] != (notify.Event{Kind: notify.DeadlineOverdue, Count: 1}) {
		t.Fatalf("deadlines a month later: %+v, %v", evs, err)
	}
}
