package store

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// populate stores one value of every kind.
func populate(t *testing.T, s *BoltStore) (caseID string) {
	t.Helper()
	wantErr(t, s.PutDirectory(ctx, testOrg, 1, []byte(`{"directory":"e30=","key_id":"k1","signature":"c2ln"}`)), nil)
	witness, invID := newID(), newID()
	c := newCase(t, witness, 100)
	c.Blobs[BlobIdentity] = ageFile(t, 10)
	c.Blobs[BlobRelease] = ageFile(t, 10)
	c.Blobs[BlobInvitation] = ageFile(t, 10)
	c.Invitation = &Invitation{ID: invID, Ciphertext: ageFile(t, 10), CreatedDay: "2026-11-23"}
	mustCreate(t, s, c)
	appendN(t, s, witness, Messages, 1)
	appendN(t, s, witness, Notes, 1)
	if _, err := s.LogAccess(ctx, testOrg, witness, Access{Referent: "alice", Time: now, What: "case"}); err != nil {
		t.Fatal(err)
	}
	uploadFile(t, s, witness, MaxChunkSize+1, true)
	uploadFile(t, s, witness, 10, false)
	gone := newID()
	mustCreate(t, s, newCase(t, gone, 10))
	wantErr(t, s.DeleteCase(ctx, testOrg, gone, "2026-12-01"), nil)
	return witness
}

func TestWalkShowsEveryKindAndChecksThem(t *testing.T) {
	s := openStore(t, Options{})
	populate(t, s)
	seen := map[Kind]int{}
	err := s.Walk(ctx, func(it Item) error {
		seen[it.Kind]++
		if err := it.Check(); err != nil {
			t.Errorf("%s %s: %v", it.Kind, it.Key, err)
		}
		if it.Meta == nil && it.Ciphertext == nil {
			t.Errorf("%s %s: neither metadata nor ciphertext", it.Kind, it.Key)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []Kind{KindSchema, KindCounter, KindOrgConfig, KindDirectory, KindCaseMeta, KindReport,
		KindIdentity, KindRelease, KindInvitationEnvelope, KindWrap, KindMessage, KindNote, KindFileHeader,
		KindChunk, KindInvitation, KindTombstone, KindPendingFile, KindReaderIndex, KindAccess} {
		if seen[k] == 0 {
			t.Errorf("Walk showed no %s", k)
		}
	}
	if seen[KindUnknown] != 0 {
		t.Errorf("Walk found %d unknown values in a clean store", seen[KindUnknown])
	}
	stop := errors.New("stop")
	var n int
	err = s.Walk(ctx, func(Item) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Walk after fn's error: %v, %d calls", err, n)
	}
	c, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Walk(c, func(Item) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Walk with a done context: %v", err)
	}
}

// Values written behind the store's back are caught by Walk and Check.
func TestWalkCatchesForeignValues(t *testing.T) {
	plaintext := []byte("Mon chef me harcèle depuis mars")
	tests := []struct {
		name    string
		tamper  func(tx *bolt.Tx, ob, cb *bolt.Bucket) error
		kind    Kind
		message string
		flagged int
	}{
		{"plaintext report", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			return cb.Put([]byte(BlobReport), plaintext)
		}, KindReport, "not an age ciphertext", 1},
		{"plaintext message", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			v, _ := encodeRecord(entryHeader{Author: "alice", Time: "2026-11-23T10:04Z"}, plaintext)
			return cb.Bucket([]byte(Messages)).Put(u64(9), v)
		}, KindMessage, "not an age ciphertext", 1},
		{"seconds in a message time", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			v, _ := encodeRecord(map[string]string{"author": "alice", "time": "2026-11-23T10:04:05Z"}, ageFile(t, 10))
			return cb.Bucket([]byte(Messages)).Put(u64(9), v)
		}, KindMessage, "minute", 1},
		{"IP address in a message header", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			v, _ := encodeRecord(map[string]string{"author": "alice", "time": "2026-11-23T10:04Z", "ip": "192.0.2.1"}, ageFile(t, 10))
			return cb.Bucket([]byte(Messages)).Put(u64(9), v)
		}, KindMessage, "unknown field", 1},
		{"extra field in case meta", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			var id string
			ob.Bucket(bCases).ForEach(func(k, v []byte) error { id = string(k); return nil })
			m := ob.Bucket(bCases).Get([]byte(id))
			return ob.Bucket(bCases).Put([]byte(id), append([]byte(`{"user_agent":"Firefox",`), m[1:]...))
		}, KindCaseMeta, "unknown field", 1},
		{"time in a tombstone", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			return ob.Bucket(bTombstones).Put([]byte(newID()), []byte(`{"lookup_id":"x","deleted_day":"2026-12-01T10:00:00Z"}`))
		}, KindTombstone, "date", 1},
		{"unknown key in a case", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			return cb.Put([]byte("ip"), []byte("192.0.2.1"))
		}, KindUnknown, "not a value this store writes", 1},
		{"unknown root bucket", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			b, err := tx.CreateBucket([]byte("access-log"))
			if err != nil {
				return err
			}
			return b.Put([]byte("2026-11-23T10:04:05Z"), []byte("192.0.2.1 GET /case"))
		}, KindUnknown, "not a value this store writes", 2}, // the bucket and its value
		{"size in a file header before completion", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			f := "0011223344556677"
			return cb.Bucket(bFiles).Put([]byte(f), []byte(`{"file_id":"`+f+`","max_size":100,"size":90,"sha256":"`+strings.Repeat("0", 64)+`","chunks":1,"began_day":"2026-11-23","complete":false,"serial":9}`))
		}, KindFileHeader, "incomplete file has a size", 1},
		{"complete file larger than its maximum", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			f := "0011223344556677"
			return cb.Bucket(bFiles).Put([]byte(f), []byte(`{"file_id":"`+f+`","max_size":100,"size":101,"sha256":"`+strings.Repeat("0", 64)+`","chunks":1,"began_day":"2026-11-23","complete":true,"serial":9}`))
		}, KindFileHeader, "at most 100", 1},
		{"first chunk not age", func(tx *bolt.Tx, ob, cb *bolt.Bucket) error {
			return cb.Bucket(bChunks).Put(chunkKey("0011223344556677", 0), plaintext)
		}, KindChunk, "age", 1},
	}
	orig := openStore(t, Options{})
	id := populate(t, orig)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := copyStore(t, orig)
			err := s.db.Update(func(tx *bolt.Tx) error {
				ob := tx.Bucket(bOrgs).Bucket([]byte(testOrg))
				return tt.tamper(tx, ob, ob.Bucket(bContent).Bucket([]byte(id)))
			})
			if err != nil {
				t.Fatal(err)
			}
			var bad []error
			s.Walk(ctx, func(it Item) error {
				if err := it.Check(); err != nil {
					if it.Kind != tt.kind {
						t.Errorf("flagged %s, want %s: %v", it.Kind, tt.kind, err)
					}
					if strings.Contains(err.Error(), string(plaintext)) || strings.Contains(err.Error(), "192.0.2.1 GET") {
						t.Errorf("Check echoes the stored value: %v", err)
					}
					bad = append(bad, err)
				}
				return nil
			})
			if len(bad) != tt.flagged || !strings.Contains(bad[0].Error(), tt.message) {
				t.Errorf("Check errors %v, want %d containing %q", bad, tt.flagged, tt.message)
			}
		})
	}
}

func FuzzRecordDecoders(f *testing.F) {
	v, _ := encodeRecord(entryHeader{Author: "alice", Time: "2026-11-23T10:04Z"}, []byte(ageMagic+"x"))
	f.Add(v)
	inv := Invitation{WitnessCase: strings.Repeat("a", 32), CreatedDay: "2026-11-23", Ciphertext: []byte(ageMagic)}
	iv, _ := encodeInvitation(&inv)
	f.Add(iv)
	f.Add([]byte{0, 0, 0, 2, '{', '}'})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add([]byte(ageMagic + "-> X25519 abc\n--- def\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if h, ct, err := splitRecord(b); err == nil && len(h)+len(ct)+4 != len(b) {
			t.Fatalf("split lost bytes")
		}
		// What decodes re-encodes to something that decodes the same.
		if e, err := decodeEntry(1, b); err == nil {
			v, err := encodeRecord(entryHeader{Author: e.Author, Time: e.Time.Format(minuteLayout)}, e.Ciphertext)
			if err != nil {
				t.Fatal(err)
			}
			e2, err := decodeEntry(1, v)
			if err != nil || e2.Author != e.Author || !e2.Time.Equal(e.Time) || !bytes.Equal(e2.Ciphertext, e.Ciphertext) {
				t.Fatalf("entry does not round-trip: %v", err)
			}
		}
		if inv, err := decodeInvitation("x", b); err == nil {
			v, err := encodeInvitation(&inv)
			if err != nil {
				t.Fatal(err)
			}
			inv2, err := decodeInvitation("x", v)
			if err != nil || !equalInvitation(inv, inv2) {
				t.Fatalf("invitation does not round-trip: %v", err)
			}
		}
		isAgeFile(b)
		for _, k := range []Kind{KindSchema, KindCounter, KindOrgConfig, KindDirectory, KindCaseMeta, KindReport,
			KindMessage, KindFileHeader, KindChunk, KindInvitation, KindTombstone, KindPendingFile, KindUnknown} {
			it := Item{Kind: k, Meta: b, Ciphertext: b, Raw: b}
			it.Check()
		}
	})
}

// copyStore opens a fresh copy of s, made with Backup.
func copyStore(t *testing.T, s *BoltStore) *BoltStore {
	t.Helper()
	path := filepath.Join(t.TempDir(), "copy.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Backup(ctx, f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	c, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}
