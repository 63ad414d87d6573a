package store

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

func TestQuotaRefusalChangesNothing(t *testing.T) {
	// Size the limits from real ciphertexts: a case made by newCase with a
	// 1000-byte report fits; 5000 more bytes do not.
	probe := newCase(t, newID(), 1000)
	base := uint64(len(probe.Blobs[BlobReport]) + len(probe.Wraps[0].Ciphertext) + len(probe.Wraps[1].Ciphertext))
	s := openStore(t, Options{MaxCaseBytes: base + 2000})
	id := newID()
	c := newCase(t, id, 1000)
	mustCreate(t, s, c)

	tests := []struct {
		name string
		do   func() error
	}{
		{"case too large at creation", func() error {
			_, err := s.CreateCase(ctx, testOrg, newCase(t, newID(), 3500))
			return err
		}},
		{"message over the case quota", func() error {
			_, err := s.Append(ctx, testOrg, id, Messages, Entry{Author: AuthorReporter, Time: now, Ciphertext: ageFile(t, 2500)})
			return err
		}},
		{"blob over the case quota", func() error {
			return s.PutBlob(ctx, testOrg, id, BlobIdentity, ageFile(t, 2500))
		}},
		{"wraps over the case quota", func() error {
			return s.AddWraps(ctx, testOrg, id, []Wrap{
				{Reader: "bob", Role: RoleCase, Generation: 1, Ciphertext: ageFile(t, 1000)},
				{Reader: "carol", Role: RoleCase, Generation: 1, Ciphertext: ageFile(t, 1000)},
			})
		}},
		{"file reservation over the case quota", func() error {
			return s.BeginFile(ctx, testOrg, id, FileHeader{FileID: randHex(16), Size: 2500, Chunks: 1, BeganDay: "2026-11-23"})
		}},
		{"invitation over the case quota", func() error {
			return s.CreateInvitation(ctx, testOrg, Invitation{ID: newID(), WitnessCase: id, Ciphertext: ageFile(t, 2500), CreatedDay: "2026-11-23"})
		}},
		{"huge declared file (counter overflow)", func() error {
			return s.BeginFile(ctx, testOrg, id, FileHeader{FileID: randHex(16), Size: 1 << 63, Chunks: 0, BeganDay: "2026-11-23"})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := snapshot(t, s)
			err := tt.do()
			if tt.name == "huge declared file (counter overflow)" && errors.Is(err, ErrInvalid) {
				// refused before the counters: fine too
			} else if !errors.Is(err, ErrQuota) || !strings.Contains(err.Error(), "case would hold") {
				t.Fatalf("error %v, want ErrQuota on the case", err)
			}
			sameSnapshot(t, before, snapshot(t, s))
		})
	}

	// Small writes still fit the case.
	_, err := s.Append(ctx, testOrg, id, Messages, Entry{Author: AuthorReporter, Time: now, Ciphertext: ageFile(t, 100)})
	wantErr(t, err, nil)
	checkCounters(t, s)
}

func TestOrgQuota(t *testing.T) {
	probe := newCase(t, newID(), 1000)
	base := uint64(len(probe.Blobs[BlobReport]) + len(probe.Wraps[0].Ciphertext) + len(probe.Wraps[1].Ciphertext))
	s := openStore(t, Options{MaxOrgBytes: 3*base + 500})
	ids := createMany(t, s, 3, 1000)
	before := snapshot(t, s)
	_, err := s.CreateCase(ctx, testOrg, newCase(t, newID(), 1000))
	if !errors.Is(err, ErrQuota) || !strings.Contains(err.Error(), "organisation would hold") {
		t.Fatalf("fourth case: %v, want ErrQuota on the organisation", err)
	}
	sameSnapshot(t, before, snapshot(t, s))

	// Deleting a case gives its bytes back.
	wantErr(t, s.DeleteCase(ctx, testOrg, ids[0], "2027-01-01"), nil)
	_, err = s.CreateCase(ctx, testOrg, newCase(t, newID(), 1000))
	wantErr(t, err, nil)
	checkCounters(t, s)
}

func TestMaxFileBytes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.db")
	s, err := Open(path, Options{MaxFileBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.PutOrgConfig(ctx, testOrg, []byte(`{}`)), nil)
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	var quota error
	for i := 0; i < 40 && quota == nil; i++ {
		_, quota = s.Append(ctx, testOrg, id, Messages, Entry{Author: "alice", Time: now, Ciphertext: ageFile(t, 64<<10)})
	}
	wantErr(t, quota, ErrQuota)
	es, err := s.Entries(ctx, testOrg, id, Messages, 0, 0)
	if err != nil || len(es) == 0 {
		t.Fatalf("entries after a full file: %d, %v", len(es), err)
	}
	wantErr(t, s.Close(), nil)
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	es2, err := s.Entries(ctx, testOrg, id, Messages, 0, 0)
	if err != nil || len(es2) != len(es) || !bytes.Equal(es2[len(es2)-1].Ciphertext, es[len(es)-1].Ciphertext) {
		t.Fatalf("after reopening: %d entries, %v; want %d", len(es2), err, len(es))
	}
	checkCounters(t, s)
}
