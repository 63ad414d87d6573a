package store

import (
	"bytes"
	"crypto/sha256"
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
			return s.BeginFile(ctx, testOrg, id, FileHeader{FileID: randHex(16), MaxSize: 2500, BeganDay: "2026-11-23"})
		}},
		{"invitation over the case quota", func() error {
			return s.CreateInvitation(ctx, testOrg, Invitation{ID: newID(), WitnessCase: id, Ciphertext: ageFile(t, 2500), CreatedDay: "2026-11-23"})
		}},
		{"huge declared file (counter overflow)", func() error {
			return s.BeginFile(ctx, testOrg, id, FileHeader{FileID: randHex(16), MaxSize: 1 << 63, BeganDay: "2026-11-23"})
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

	// A file's declared maximum is refused before any chunk is sent.
	err = s.BeginFile(ctx, testOrg, ids[1], FileHeader{FileID: randHex(16), MaxSize: 501, BeganDay: "2026-11-23"})
	if !errors.Is(err, ErrQuota) || !strings.Contains(err.Error(), "organisation would hold") {
		t.Fatalf("file over the organisation quota: %v, want ErrQuota on the organisation", err)
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

// A file reserves its declared maximum while it uploads and only its size
// once complete: the difference is free again for the case.
func TestFileReservationShrinksOnCompletion(t *testing.T) {
	probe := newCase(t, newID(), 1000)
	base := uint64(len(probe.Blobs[BlobReport]) + len(probe.Wraps[0].Ciphertext) + len(probe.Wraps[1].Ciphertext))
	s := openStore(t, Options{MaxCaseBytes: base + 3*MaxChunkSize})
	id := newID()
	mustCreate(t, s, newCase(t, id, 1000))
	msg := Entry{Author: AuthorReporter, Time: now, Ciphertext: ageFile(t, 2000)}

	data := ageFile(t, MaxChunkSize)
	h := FileHeader{FileID: randHex(16), MaxSize: 3 * MaxChunkSize, BeganDay: "2026-11-23"}
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
	if got := orgBytes(t, s); got != base+h.MaxSize {
		t.Fatalf("organisation bytes %d while uploading, want %d", got, base+h.MaxSize)
	}
	_, err := s.Append(ctx, testOrg, id, Messages, msg)
	wantErr(t, err, ErrQuota) // the reservation fills the case
	putChunks(t, s, id, h.FileID, data)
	wantErr(t, s.CompleteFile(ctx, testOrg, id, h.FileID, uint64(len(data)), sha256.Sum256(data)), nil)
	if got := orgBytes(t, s); got != base+uint64(len(data)) {
		t.Fatalf("organisation bytes %d after completion, want %d", got, base+uint64(len(data)))
	}
	_, err = s.Append(ctx, testOrg, id, Messages, msg)
	wantErr(t, err, nil)
	checkCounters(t, s)
}
