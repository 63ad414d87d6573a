package envelope

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lanterne/lanterne/crypto/agekey"
)

func TestInvitationRoundTrip(t *testing.T) {
	invKey := key(t, agekey.Hybrid, 6) // derived from the invitation code in real life
	in := &Invitation{OrgID: "cdg-69", Route: RouteAVDHAS, CreatedAt: testTime, Message: "J'ai vu ce qui s'est passé lundi."}
	ct, err := SealInvitation(in, invKey.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	out, err := OpenInvitation(ct, invKey)
	if err != nil {
		t.Fatal(err)
	}
	if *out != *in {
		t.Errorf("got %+v", out)
	}
	// The payload says nothing about the witness's case.
	payload, _ := Open(ct, KindInvitation, invKey)
	for _, field := range []string{"case", "lookup", "key"} {
		if strings.Contains(string(payload), field) {
			t.Errorf("invitation payload mentions %q: %s", field, payload)
		}
	}
	if _, err := OpenReport(ct, invKey); !errors.Is(err, ErrWrongKind) {
		t.Errorf("invitation opened as a report: %v", err)
	}
}

func TestInvitationValidate(t *testing.T) {
	for name, tc := range map[string]struct {
		change func(*Invitation)
		ok     bool
	}{
		"valid":            {func(*Invitation) {}, true},
		"conflict route":   {func(in *Invitation) { in.Route = RouteConflict }, true},
		"whistleblowing":   {func(in *Invitation) { in.Route = "whistleblowing" }, false},
		"org id upper":     {func(in *Invitation) { in.OrgID = "CDG-69" }, false},
		"org id leading -": {func(in *Invitation) { in.OrgID = "-cdg" }, false},
		"no time":          {func(in *Invitation) { in.CreatedAt = time.Time{} }, false},
		"message too long": {func(in *Invitation) { in.Message = strings.Repeat("x", MaxInvitationMessageSize+1) }, false},
	} {
		in := &Invitation{OrgID: "cdg-69", Route: RouteAVDHAS, CreatedAt: testTime}
		tc.change(in)
		if err := in.Validate(); tc.ok != (err == nil) || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: got %v", name, err)
		}
	}
	if _, err := decodeInvitation([]byte(`{"org_id":"a","route":"avdhas","created_at":"2026-03-02T09:30:00Z","message":"","case_id":"00"}`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("invitation with a case id: %v", err)
	}
}
