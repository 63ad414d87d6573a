package store

import (
	"bytes"
	"testing"
)

func TestInvitationFlow(t *testing.T) {
	s := openStore(t, Options{})
	witnessID, invID := newID(), newID()
	wc := newCase(t, witnessID, 200)
	sealed := ageFile(t, 300)
	wc.Invitation = &Invitation{ID: invID, AuthHash: Hash{1, 2, 3}, Ciphertext: sealed, CreatedDay: "2026-11-23"}
	wm := mustCreate(t, s, wc)
	if wm.Invitation != invID {
		t.Errorf("witness meta invitation = %q", wm.Invitation)
	}
	inv, err := s.Invitation(ctx, testOrg, invID)
	want := Invitation{ID: invID, WitnessCase: witnessID, AuthHash: Hash{1, 2, 3}, Ciphertext: sealed, CreatedDay: "2026-11-23"}
	if err != nil || !equalInvitation(inv, want) {
		t.Fatalf("Invitation = %+v, %v", inv, err)
	}
	_, err = s.Invitation(ctx, testOrg, newID())
	wantErr(t, err, ErrNotFound)
	checkCounters(t, s)

	victimID := newID()
	vc := newCase(t, victimID, 200)
	vc.Redeems = invID
	vm := mustCreate(t, s, vc)
	if vm.LinkedCase != witnessID {
		t.Errorf("victim thread linked to %q, want the witness case", vm.LinkedCase)
	}
	wm2, err := s.Case(ctx, testOrg, witnessID)
	if err != nil || wm2.LinkedCase != victimID || wm2.Version != wm.Version+1 {
		t.Errorf("witness meta after redemption: %+v, %v", wm2, err)
	}
	inv, err = s.Invitation(ctx, testOrg, invID)
	want.Redeemed, want.VictimCase, want.Ciphertext = true, victimID, nil
	if err != nil || !equalInvitation(inv, want) {
		t.Errorf("redeemed invitation = %+v, %v", inv, err)
	}
	checkCounters(t, s) // the witness case no longer counts the dropped ciphertext

	// Once only.
	again := newCase(t, newID(), 200)
	again.Redeems = invID
	before := snapshot(t, s)
	_, err = s.CreateCase(ctx, testOrg, again)
	wantErr(t, err, ErrConflict)
	sameSnapshot(t, before, snapshot(t, s))

	// A case issues one invitation.
	wantErr(t, s.CreateInvitation(ctx, testOrg, Invitation{ID: newID(), WitnessCase: witnessID, Ciphertext: ageFile(t, 10), CreatedDay: "2026-11-24"}), ErrExists)
	other := newID()
	mustCreate(t, s, newCase(t, other, 100))
	later := Invitation{ID: newID(), WitnessCase: other, Ciphertext: ageFile(t, 10), CreatedDay: "2026-11-24"}
	tests := []struct {
		name   string
		change func(i *Invitation)
		want   error
	}{
		{"id taken", func(i *Invitation) { i.ID = invID }, ErrExists},
		{"unknown case", func(i *Invitation) { i.WitnessCase = newID() }, ErrNotFound},
		{"no case", func(i *Invitation) { i.WitnessCase = "" }, ErrInvalid},
		{"already redeemed", func(i *Invitation) { i.Redeemed = true }, ErrInvalid},
		{"plaintext", func(i *Invitation) { i.Ciphertext = []byte(`{"org":"cdg-69"}`) }, ErrInvalid},
		{"no day", func(i *Invitation) { i.CreatedDay = "" }, ErrInvalid},
		{"later invitation", func(i *Invitation) {}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			inv := later
			tt.change(&inv)
			before := snapshot(t, s)
			err := s.CreateInvitation(ctx, testOrg, inv)
			wantErr(t, err, tt.want)
			if err != nil {
				sameSnapshot(t, before, snapshot(t, s))
			}
		})
	}
	if m, _ := s.Case(ctx, testOrg, other); m.Invitation != later.ID {
		t.Errorf("meta.Invitation = %q after CreateInvitation", m.Invitation)
	}
	checkCounters(t, s)
}

func equalInvitation(a, b Invitation) bool {
	return a.ID == b.ID && a.WitnessCase == b.WitnessCase && a.AuthHash == b.AuthHash &&
		bytes.Equal(a.Ciphertext, b.Ciphertext) && a.CreatedDay == b.CreatedDay &&
		a.Redeemed == b.Redeemed && a.VictimCase == b.VictimCase
}
