package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// buildV0 writes, with bbolt alone, a database in the version 0 layout: no
// schema key and no byte counters.
func buildV0(t *testing.T, path string) (caseID string, want uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	caseID = newID()
	report, wrap, msg := ageFile(t, 1000), ageFile(t, 100), ageFile(t, 50)
	inv := Invitation{ID: newID(), WitnessCase: caseID, Ciphertext: ageFile(t, 70), CreatedDay: "2026-01-02"}
	m := meta(caseID)
	m.Version, m.Invitation = 1, inv.ID
	evidence := ageFile(t, 300)
	want = uint64(len(report) + len(wrap) + len(msg) + 4096 + len(evidence) + len(inv.Ciphertext))
	err = db.Update(func(tx *bolt.Tx) error {
		ob, _ := must(tx.CreateBucket(bOrgs)).CreateBucket([]byte(testOrg))
		ob.Put(kConfig, []byte(`{"name":"old"}`))
		cases, _ := ob.CreateBucket(bCases)
		if err := putMeta(cases, &m); err != nil {
			return err
		}
		for _, b := range [][]byte{bTombstones, bPending} {
			ob.CreateBucket(b)
		}
		cb, _ := must(ob.CreateBucket(bContent)).CreateBucket([]byte(caseID))
		cb.Put([]byte(BlobReport), report)
		must(cb.CreateBucket(bWraps)).Put(wrapKey(1, RoleCase, "alice"), wrap)
		rec, _ := encodeRecord(entryHeader{Author: "alice", Time: "2026-01-02T10:04Z"}, msg)
		must(cb.CreateBucket([]byte(Messages))).Put(u64(1), rec)
		// Version 0 file headers were declared with their exact size and
		// SHA-256, and have no max_size.
		files := must(cb.CreateBucket(bFiles))
		files.Put([]byte(v0Pending), []byte(`{"file_id":"`+v0Pending+`","size":4096,"sha256":"`+strings.Repeat("0", 64)+`","chunks":1,"began_day":"2026-01-02","complete":false}`))
		files.Put([]byte(v0Complete), []byte(`{"file_id":"`+v0Complete+`","size":`+strconv.Itoa(len(evidence))+`,"sha256":"`+hex.EncodeToString(sha(evidence))+`","chunks":1,"began_day":"2026-01-02","complete":true}`))
		must(cb.CreateBucket(bChunks)).Put(chunkKey(v0Complete, 0), evidence)
		ob.Bucket(bPending).Put(pendingKey(caseID, v0Pending), []byte("2026-01-02"))
		iv, _ := encodeInvitation(&inv)
		return must(ob.CreateBucket(bInvitations)).Put([]byte(inv.ID), iv)
	})
	if err != nil {
		t.Fatal(err)
	}
	return caseID, want
}

// The file ids buildV0 stores: one upload pending, one complete.
const (
	v0Pending  = "00112233445566778899"
	v0Complete = "aabbccddeeff00112233"
)

func sha(b []byte) []byte { h := sha256.Sum256(b); return h[:] }

func must(b *bolt.Bucket, err error) *bolt.Bucket {
	if err != nil {
		panic(err)
	}
	return b
}

func TestMigrateFromVersion0(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v0.db")
	id, want := buildV0(t, path)
	_, err := OpenReadOnly(path)
	if err == nil || !strings.Contains(err.Error(), "migrate") {
		t.Fatalf("OpenReadOnly of a version 0 file: %v, want a request to migrate", err)
	}
	s, err := Open(path, Options{MaxCaseBytes: want + 100})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var schema uint64
	s.db.View(func(tx *bolt.Tx) error { schema = getU64(tx.Bucket(bMeta), kSchema); return nil })
	if schema != SchemaVersion {
		t.Errorf("schema %d after migration, want %d", schema, SchemaVersion)
	}
	if got := orgBytes(t, s); got != want {
		t.Errorf("organisation bytes %d, want %d", got, want)
	}
	checkCounters(t, s)
	// The counters are live: the quota now holds.
	_, err = s.Append(ctx, testOrg, id, Messages, Entry{Author: "alice", Time: now, Ciphertext: ageFile(t, 200)})
	wantErr(t, err, ErrQuota)
	es, err := s.Entries(ctx, testOrg, id, Messages, 0, 0)
	if err != nil || len(es) != 1 || !es[0].Time.Equal(time.Date(2026, 1, 2, 10, 4, 0, 0, time.UTC)) {
		t.Errorf("old message: %+v, %v", es, err)
	}
	// Old file headers got their declared size as max_size; the pending
	// upload waits for CompleteFile's size and hash, and deleting it
	// releases the reservation.
	files, err := s.Files(ctx, testOrg, id)
	if err != nil || len(files) != 2 {
		t.Fatalf("Files = %+v, %v", files, err)
	}
	if f := files[0]; f.FileID != v0Pending || f.MaxSize != 4096 || f.Size != 0 || f.Chunks != 0 || f.Complete {
		t.Errorf("old pending file: %+v", f)
	}
	if f := files[1]; f.FileID != v0Complete || f.MaxSize != f.Size || f.Chunks != 1 || !f.Complete {
		t.Errorf("old complete file: %+v", f)
	}
	var out bytes.Buffer
	if _, err := s.ReadFile(ctx, testOrg, id, v0Complete, &out); err != nil || !bytes.Equal(sha(out.Bytes()), files[1].SHA256[:]) {
		t.Errorf("old complete file reads back %d bytes, %v", out.Len(), err)
	}
	wantErr(t, s.DeleteFile(ctx, testOrg, id, v0Pending), nil)
	if got := orgBytes(t, s); got != want-4096 {
		t.Errorf("organisation bytes %d after deleting the old upload, want %d", got, want-4096)
	}
	checkCounters(t, s)
}

func TestMigrationsRunInOrderAndStopOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.db")
	buildV0(t, path)
	var ran []string
	step := func(name string, fail bool) func(*bolt.Tx) error {
		return func(tx *bolt.Tx) error {
			ran = append(ran, name)
			tx.Bucket(bOrgs).Put([]byte("marker-"+name), []byte("x"))
			if fail {
				return errors.New("disk on fire")
			}
			return nil
		}
	}
	ms := []migration{{1, "one", step("one", false)}, {2, "two", step("two", true)}, {3, "three", step("three", false)}}
	_, err := open(path, Options{}, false, ms)
	if err == nil || !strings.Contains(err.Error(), "schema 2 (two)") {
		t.Fatalf("open = %v, want the failed migration named", err)
	}
	if !slices.Equal(ran, []string{"one", "two"}) {
		t.Errorf("ran %v", ran)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		if v := getU64(tx.Bucket(bMeta), kSchema); v != 1 {
			t.Errorf("schema %d after a failed step 2, want 1", v)
		}
		if tx.Bucket(bOrgs).Get([]byte("marker-two")) != nil {
			t.Error("the failed migration left a write")
		}
		return nil
	})
	db.Close()
	ran = nil
	ms[1].run = step("two", false)
	s, err := open(path, Options{}, false, ms)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if !slices.Equal(ran, []string{"two", "three"}) {
		t.Errorf("second open ran %v, want two, three", ran)
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bMeta).Put(kSchema, u64(SchemaVersion+1)) })
	s.Close()
	for name, open := range map[string]func() (*BoltStore, error){
		"Open":         func() (*BoltStore, error) { return Open(path, Options{}) },
		"OpenReadOnly": func() (*BoltStore, error) { return OpenReadOnly(path) },
	} {
		_, err := open()
		if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), fmt.Sprintf("schema %d", SchemaVersion+1)) {
			t.Errorf("%s: %v, want ErrNewerSchema naming the version", name, err)
		}
	}
}

func TestOpenReadOnly(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ro.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.PutOrgConfig(ctx, testOrg, []byte(`{}`)), nil)
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))
	start := time.Now()
	if _, err := OpenReadOnly(path); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("OpenReadOnly while the server runs: %v", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("OpenReadOnly waited %v", d)
	}
	s.Close()
	ro, err := OpenReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Case(ctx, testOrg, id); err != nil {
		t.Error(err)
	}
	wantErr(t, ro.PutOrgConfig(ctx, "other", []byte(`{}`)), ErrInvalid)
	ro2, err := OpenReadOnly(path) // readers share the lock
	if err != nil {
		t.Fatal(err)
	}
	ro2.Close()
}
