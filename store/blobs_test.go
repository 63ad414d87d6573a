package store

import (
	"bytes"
	"testing"
)

func TestPutBlob(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	c := newCase(t, id, 100)
	mustCreate(t, s, c)
	identity, release := ageFile(t, 40), ageFile(t, 40)
	steps := []struct {
		name string
		id   string
		kind BlobKind
		data []byte
		want error
	}{
		{"identity later", id, BlobIdentity, identity, nil},
		{"same identity again is a no-op", id, BlobIdentity, identity, nil},
		{"other identity refused", id, BlobIdentity, ageFile(t, 40), ErrExists},
		{"release", id, BlobRelease, release, nil},
		{"second release refused", id, BlobRelease, ageFile(t, 40), ErrExists},
		{"report replaced refused", id, BlobReport, ageFile(t, 40), ErrExists},
		{"report resent is a no-op", id, BlobReport, c.Blobs[BlobReport], nil},
		{"unknown kind", id, "selfie", ageFile(t, 40), ErrInvalid},
		{"plaintext", id, BlobInvitation, []byte("invitation en clair"), ErrInvalid},
		{"unknown case", newID(), BlobIdentity, identity, ErrNotFound},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := snapshot(t, s)
			err := s.PutBlob(ctx, testOrg, st.id, st.kind, st.data)
			wantErr(t, err, st.want)
			if err != nil {
				sameSnapshot(t, before, snapshot(t, s))
			}
		})
	}
	for kind, want := range map[BlobKind][]byte{BlobIdentity: identity, BlobRelease: release, BlobReport: c.Blobs[BlobReport]} {
		if got, err := s.Blob(ctx, testOrg, id, kind); err != nil || !bytes.Equal(got, want) {
			t.Errorf("Blob(%s): %v", kind, err)
		}
	}
	_, err := s.Blob(ctx, testOrg, id, BlobInvitation)
	wantErr(t, err, ErrNotFound)
	checkCounters(t, s)
}

func TestWraps(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	c := newCase(t, id, 100)
	mustCreate(t, s, c)
	staff := Wrap{Reader: "alice", Role: RoleStaff, Generation: 1, Ciphertext: ageFile(t, 30)}
	gen2 := Wrap{Reader: "bob", Role: RoleCase, Generation: 2, Ciphertext: ageFile(t, 30)}
	steps := []struct {
		name  string
		wraps []Wrap
		want  error
	}{
		{"handover and staff key", []Wrap{staff, gen2}, nil},
		{"the same wraps again are a no-op", []Wrap{staff}, nil},
		{"a duplicate with other bytes refuses the whole call", []Wrap{
			{Reader: "carol", Role: RoleCase, Generation: 2, Ciphertext: ageFile(t, 30)},
			{Reader: "alice", Role: RoleCase, Generation: 1, Ciphertext: ageFile(t, 30)},
		}, ErrExists},
		{"same key twice in one call", []Wrap{gen2, gen2}, ErrInvalid},
		{"generation 0", []Wrap{{Reader: "carol", Role: RoleCase, Ciphertext: ageFile(t, 30)}}, ErrInvalid},
		{"empty reader", []Wrap{{Role: RoleCase, Generation: 3, Ciphertext: ageFile(t, 30)}}, ErrInvalid},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			before := snapshot(t, s)
			err := s.AddWraps(ctx, testOrg, id, st.wraps)
			wantErr(t, err, st.want)
			if err != nil {
				sameSnapshot(t, before, snapshot(t, s))
			}
		})
	}
	got, err := s.Wraps(ctx, testOrg, id)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, w := range got {
		order = append(order, string(w.Role)+"/"+w.Reader)
	}
	want := []string{"case/alice", "case/reporter", "staff/alice", "case/bob"}
	if len(order) != len(want) {
		t.Fatalf("wraps %v, want %v", order, want)
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("wraps %v, want %v (by generation, role, reader)", order, want)
		}
	}
	if got[3].Generation != 2 || !bytes.Equal(got[3].Ciphertext, gen2.Ciphertext) {
		t.Errorf("generation 2 wrap = %+v", got[3])
	}
	checkCounters(t, s)
}
