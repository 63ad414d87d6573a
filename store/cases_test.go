package store

import (
	"errors"
	"reflect"
	"slices"
	"sync"
	"testing"
)

func TestCreateCase(t *testing.T) {
	s := openStore(t, Options{})
	existing := newID()
	mustCreate(t, s, newCase(t, existing, 1000))

	tests := []struct {
		name   string
		org    string
		change func(c *NewCase)
		want   error
	}{
		{"valid", testOrg, func(c *NewCase) {}, nil},
		{"with identity, release and invitation envelope", testOrg, func(c *NewCase) {
			c.Blobs[BlobIdentity] = ageFile(t, 10)
			c.Blobs[BlobRelease] = ageFile(t, 10)
			c.Blobs[BlobInvitation] = ageFile(t, 10)
		}, nil},
		{"existing lookup id", testOrg, func(c *NewCase) { c.Meta.LookupID = existing }, ErrExists},
		{"unknown organisation", "nowhere", func(c *NewCase) {}, ErrNotFound},
		{"no report", testOrg, func(c *NewCase) { delete(c.Blobs, BlobReport) }, ErrInvalid},
		{"plaintext report", testOrg, func(c *NewCase) { c.Blobs[BlobReport] = []byte("Mon chef me harcèle") }, ErrInvalid},
		{"armored report", testOrg, func(c *NewCase) {
			c.Blobs[BlobReport] = []byte("-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n-----END AGE ENCRYPTED FILE-----\n")
		}, ErrInvalid},
		{"truncated report", testOrg, func(c *NewCase) { c.Blobs[BlobReport] = c.Blobs[BlobReport][:60] }, ErrInvalid},
		{"unknown blob kind", testOrg, func(c *NewCase) { c.Blobs["photo"] = ageFile(t, 10) }, ErrInvalid},
		{"upper-case lookup id", testOrg, func(c *NewCase) { c.Meta.LookupID = "ABCDEF0123456789ABCDEF0123456789" }, ErrInvalid},
		{"short lookup id", testOrg, func(c *NewCase) { c.Meta.LookupID = "abcd" }, ErrInvalid},
		{"time instead of a day", testOrg, func(c *NewCase) { c.Meta.CreatedDay = "2026-11-23T10:04:05Z" }, ErrInvalid},
		{"bad deadline", testOrg, func(c *NewCase) { c.Meta.Deadlines.FeedbackDue = "23/02/2027" }, ErrInvalid},
		{"bad status day", testOrg, func(c *NewCase) { c.Meta.StatusHistory[0].Day = "2026-02-30" }, ErrInvalid},
		{"unknown identity state", testOrg, func(c *NewCase) { c.Meta.Flags.Identity = "public" }, ErrInvalid},
		{"same wrap twice", testOrg, func(c *NewCase) { c.Wraps = append(c.Wraps, c.Wraps[0]) }, ErrInvalid},
		{"wrap generation 0", testOrg, func(c *NewCase) { c.Wraps[0].Generation = 0 }, ErrInvalid},
		{"wrap role unknown", testOrg, func(c *NewCase) { c.Wraps[0].Role = "admin" }, ErrInvalid},
		{"wrap reader with a space", testOrg, func(c *NewCase) { c.Wraps[0].Reader = "alice smith" }, ErrInvalid},
		{"wrap not age", testOrg, func(c *NewCase) { c.Wraps[0].Ciphertext = []byte("AGE-SECRET-KEY-1...") }, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCase(t, newID(), 500)
			tt.change(&c)
			before := snapshot(t, s)
			m, err := s.CreateCase(ctx, tt.org, c)
			wantErr(t, err, tt.want)
			if tt.want != nil {
				sameSnapshot(t, before, snapshot(t, s))
				return
			}
			if m.Version != 1 {
				t.Errorf("Version = %d, want 1", m.Version)
			}
			got, err := s.Case(ctx, tt.org, c.Meta.LookupID)
			if err != nil || !reflect.DeepEqual(got, m) {
				t.Errorf("Case = %+v, %v; want %+v", got, err, m)
			}
			for k, b := range c.Blobs {
				if got, err := s.Blob(ctx, tt.org, c.Meta.LookupID, k); err != nil || string(got) != string(b) {
					t.Errorf("Blob(%s) differs: %v", k, err)
				}
			}
			if w, err := s.Wraps(ctx, tt.org, c.Meta.LookupID); err != nil || len(w) != len(c.Wraps) {
				t.Errorf("Wraps = %d, %v", len(w), err)
			}
		})
	}
	checkCounters(t, s)
}

// A failure after the case bucket was made and counted must leave nothing.
func TestCreateCaseIsAtomic(t *testing.T) {
	s := openStore(t, Options{})
	witness := newCase(t, newID(), 100)
	invID := newID()
	witness.Invitation = &Invitation{ID: invID, Ciphertext: ageFile(t, 100), CreatedDay: "2026-11-23"}
	mustCreate(t, s, witness)
	victim := newCase(t, newID(), 100)
	victim.Redeems = invID
	mustCreate(t, s, victim)

	tests := []struct {
		name   string
		change func(c *NewCase)
		want   error
	}{
		{"redeems an unknown invitation", func(c *NewCase) { c.Redeems = newID() }, ErrNotFound},
		{"redeems a redeemed invitation", func(c *NewCase) { c.Redeems = invID }, ErrConflict},
		{"issues an invitation whose id exists", func(c *NewCase) {
			c.Invitation = &Invitation{ID: invID, Ciphertext: ageFile(t, 100), CreatedDay: "2026-11-23"}
		}, ErrExists},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCase(t, newID(), 100)
			c.Blobs[BlobIdentity] = ageFile(t, 100)
			tt.change(&c)
			before := snapshot(t, s)
			_, err := s.CreateCase(ctx, testOrg, c)
			wantErr(t, err, tt.want)
			sameSnapshot(t, before, snapshot(t, s))
			_, err = s.Case(ctx, testOrg, c.Meta.LookupID)
			wantErr(t, err, ErrNotFound)
		})
	}
	checkCounters(t, s)
}

func TestUpdateCase(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	m := mustCreate(t, s, newCase(t, id, 100))

	next := m
	next.Status = "acknowledged"
	next.StatusHistory = append(next.StatusHistory, StatusChange{"acknowledged", "2026-11-25"})
	next.Read.Referents = map[string]uint64{"alice": 3}
	next.LinkedCase = newID() // belongs to the store: ignored
	got, err := s.UpdateCase(ctx, testOrg, next)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 2 || got.Status != "acknowledged" || got.LinkedCase != "" || got.Read.Referents["alice"] != 3 {
		t.Errorf("UpdateCase = %+v", got)
	}
	if stored, _ := s.Case(ctx, testOrg, id); !reflect.DeepEqual(stored, got) {
		t.Errorf("Case = %+v, want %+v", stored, got)
	}

	tests := []struct {
		name   string
		change func(m *CaseMeta)
		want   error
	}{
		{"stale version", func(m *CaseMeta) { m.Version = 1 }, ErrConflict},
		{"future version", func(m *CaseMeta) { m.Version = 9 }, ErrConflict},
		{"unknown case", func(m *CaseMeta) { m.LookupID = newID() }, ErrNotFound},
		{"bad day", func(m *CaseMeta) { m.Deadlines.MeetingDue = "tomorrow" }, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := got
			tt.change(&u)
			before := snapshot(t, s)
			_, err := s.UpdateCase(ctx, testOrg, u)
			wantErr(t, err, tt.want)
			sameSnapshot(t, before, snapshot(t, s))
		})
	}
}

func TestModifyUnderContention(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := Modify(ctx, s, testOrg, id, func(m *CaseMeta) error {
				m.Read.Reporter++
				return nil
			}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	m, err := s.Case(ctx, testOrg, id)
	if err != nil || m.Read.Reporter != 8 || m.Version != 9 {
		t.Errorf("after 8 increments: reporter read %d, version %d, %v", m.Read.Reporter, m.Version, err)
	}
	stop := errors.New("stop")
	_, err = Modify(ctx, s, testOrg, id, func(*CaseMeta) error { return stop })
	wantErr(t, err, stop)
}

func TestCasesPagination(t *testing.T) {
	s := openStore(t, Options{})
	ids := createMany(t, s, 25, 10)
	var got []string
	after := ""
	for page := 0; ; page++ {
		ms, err := s.Cases(ctx, testOrg, after, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 {
			break
		}
		if len(ms) > 10 {
			t.Fatalf("page of %d", len(ms))
		}
		for _, m := range ms {
			got = append(got, m.LookupID)
		}
		after = ms[len(ms)-1].LookupID
	}
	want := append([]string(nil), ids...)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("paged ids = %v, want %v", got, want)
	}
	_, err := s.Cases(ctx, "nowhere", "", 0)
	wantErr(t, err, ErrNotFound)
}

func TestDeleteCase(t *testing.T) {
	s := openStore(t, Options{})
	keep := newID()
	mustCreate(t, s, newCase(t, keep, 300))
	keepBytes := orgBytes(t, s)

	id := newID()
	c := newCase(t, id, 300)
	c.Blobs[BlobIdentity] = ageFile(t, 50)
	c.Invitation = &Invitation{ID: newID(), Ciphertext: ageFile(t, 50), CreatedDay: "2026-11-23"}
	mustCreate(t, s, c)
	wantErr(t, s.PutBlob(ctx, testOrg, id, BlobRelease, ageFile(t, 20)), nil)
	wantErr(t, s.AddWraps(ctx, testOrg, id, []Wrap{{Reader: "bob", Role: RoleStaff, Generation: 1, Ciphertext: ageFile(t, 20)}}), nil)
	appendN(t, s, id, Messages, 3)
	appendN(t, s, id, Notes, 2)
	uploadFile(t, s, id, 3*MaxChunkSize+5, true)
	uploadFile(t, s, id, 100, false) // pending

	wantErr(t, s.DeleteCase(ctx, testOrg, id, "2031-11-23"), nil)

	var tomb int
	err := s.Walk(ctx, func(it Item) error {
		if it.Case != id {
			return nil
		}
		if it.Kind != KindTombstone {
			t.Errorf("deleted case still has %s %s", it.Kind, it.Key)
		}
		tomb++
		if string(it.Meta) != `{"lookup_id":"`+id+`","deleted_day":"2031-11-23"}` {
			t.Errorf("tombstone = %s", it.Meta)
		}
		return nil
	})
	if err != nil || tomb != 1 {
		t.Fatalf("tombstones %d, %v", tomb, err)
	}
	_, err = s.Case(ctx, testOrg, id)
	wantErr(t, err, ErrDeleted)
	wantErr(t, err, ErrNotFound)
	_, err = s.Blob(ctx, testOrg, id, BlobReport)
	wantErr(t, err, ErrDeleted)
	_, err = s.Append(ctx, testOrg, id, Messages, Entry{Author: "alice", Time: now, Ciphertext: ageFile(t, 10)})
	wantErr(t, err, ErrDeleted)
	wantErr(t, s.DeleteCase(ctx, testOrg, id, "2031-11-24"), ErrDeleted)
	_, err = s.CreateCase(ctx, testOrg, newCase(t, id, 10))
	wantErr(t, err, ErrExists)
	wantErr(t, s.DeleteCase(ctx, testOrg, newID(), "2031-11-24"), ErrNotFound)
	wantErr(t, s.DeleteCase(ctx, testOrg, keep, "soon"), ErrInvalid)

	if got := orgBytes(t, s); got != keepBytes {
		t.Errorf("organisation bytes after delete = %d, want %d", got, keepBytes)
	}
	if p, err := s.PendingFiles(ctx, testOrg); err != nil || len(p) != 0 {
		t.Errorf("PendingFiles = %v, %v", p, err)
	}
	if _, err := s.Invitation(ctx, testOrg, c.Invitation.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("invitation of the deleted case: %v", err)
	}
	if _, err := s.Case(ctx, testOrg, keep); err != nil {
		t.Errorf("other case: %v", err)
	}
	checkCounters(t, s)
}
