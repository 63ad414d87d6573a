package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"filippo.io/age"
	bolt "go.etcd.io/bbolt"
)

var ctx = context.Background()

const testOrg = "cdg-69"

var testRecipient = sync.OnceValue(func() age.Recipient {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		panic(err)
	}
	return id.Recipient()
})

// ageFile returns a real age ciphertext of n random plaintext bytes.
func ageFile(t testing.TB, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, testRecipient())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(w, rand.Reader, int64(n)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func randHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func newID() string { return randHex(16) }

func openStore(t testing.TB, opts Options) *BoltStore {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "lanterne.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.PutOrgConfig(ctx, testOrg, []byte(`{"name":"CDG 69","retention_days":1825}`)); err != nil {
		t.Fatal(err)
	}
	return s
}

func meta(id string) CaseMeta {
	return CaseMeta{
		LookupID:          id,
		Route:             "avdhas",
		Channel:           "avdhas",
		Status:            "received",
		CreatedDay:        "2026-11-23",
		AuthHash:          Hash(sha256.Sum256([]byte("auth " + id))),
		ReporterRecipient: "age1examplerecipient",
		Deadlines:         Deadlines{AckDue: "2026-12-02"},
		StatusHistory:     []StatusChange{{Status: "received", Day: "2026-11-23"}},
		Generations:       Generations{Case: 1},
	}
}

func newCase(t testing.TB, id string, reportSize int) NewCase {
	return NewCase{
		Meta:  meta(id),
		Blobs: map[BlobKind][]byte{BlobReport: ageFile(t, reportSize)},
		Wraps: []Wrap{
			{Reader: "reporter", Role: RoleCase, Generation: 1, Ciphertext: ageFile(t, 100)},
			{Reader: "alice", Role: RoleCase, Generation: 1, Ciphertext: ageFile(t, 100)},
		},
	}
}

func mustCreate(t testing.TB, s Store, c NewCase) CaseMeta {
	t.Helper()
	m, err := s.CreateCase(ctx, testOrg, c)
	if err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	return m
}

// snapshot is every stored value, as "kind org case key" -> SHA-256 of the
// raw value, to compare the store before and after a refused write.
func snapshot(t testing.TB, s Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.Walk(ctx, func(it Item) error {
		out[fmt.Sprintf("%s %s %s %s", it.Kind, it.Org, it.Case, it.Key)] = fmt.Sprintf("%x", sha256.Sum256(it.Raw))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSnapshot(t testing.TB, before, after map[string]string) {
	t.Helper()
	var diff []string
	for k, v := range before {
		if after[k] != v {
			diff = append(diff, "changed or gone: "+k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			diff = append(diff, "new: "+k)
		}
	}
	if len(diff) > 0 {
		sort.Strings(diff)
		t.Fatalf("store changed:\n%v", diff)
	}
}

// checkCounters verifies the byte counters equal a recount of what is
// stored, and that every value passes Item.Check.
func checkCounters(t testing.TB, s *BoltStore) {
	t.Helper()
	err := s.db.View(func(tx *bolt.Tx) error {
		return forEachOrg(tx, func(org []byte, ob *bolt.Bucket) error {
			usage, err := recount(ob)
			if err != nil {
				return err
			}
			var total uint64
			for id, n := range usage {
				got := getU64(ob.Bucket(bContent).Bucket([]byte(id)), kUsage)
				if got != n {
					return fmt.Errorf("case %s: counter %d, recount %d", id, got, n)
				}
				total += n
			}
			if got := getU64(ob, kUsage); got != total {
				return fmt.Errorf("org %s: counter %d, recount %d", org, got, total)
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Walk(ctx, func(it Item) error { return it.Check() }); err != nil {
		t.Fatal(err)
	}
}

func wantErr(t testing.TB, err, want error) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want %v", err, want)
	}
}

var now = time.Date(2026, 11, 23, 10, 4, 37, 123, time.FixedZone("CET", 3600))

func orgBytes(t testing.TB, s Store) uint64 {
	t.Helper()
	o, err := s.Org(ctx, testOrg)
	if err != nil {
		t.Fatal(err)
	}
	return o.Bytes
}

func appendN(t testing.TB, s Store, id string, th Thread, n int) {
	t.Helper()
	for range n {
		if _, err := s.Append(ctx, testOrg, id, th, Entry{Author: "alice", Time: now, Ciphertext: ageFile(t, 50)}); err != nil {
			t.Fatal(err)
		}
	}
}

// uploadFile stores an age file of about plain bytes as an evidence file
// declared with a MaxSize above its size, completes it if asked, and
// returns its header (as Files shows it) and ciphertext.
func uploadFile(t testing.TB, s Store, id string, plain int, complete bool) (FileHeader, []byte) {
	t.Helper()
	data := ageFile(t, plain)
	h := FileHeader{FileID: randHex(16), MaxSize: uint64(len(data)) + 100, BeganDay: "2026-11-23"}
	if err := s.BeginFile(ctx, testOrg, id, h); err != nil {
		t.Fatal(err)
	}
	putChunks(t, s, id, h.FileID, data)
	if complete {
		if err := s.CompleteFile(ctx, testOrg, id, h.FileID, uint64(len(data)), sha256.Sum256(data)); err != nil {
			t.Fatal(err)
		}
		h.Size, h.SHA256, h.Chunks, h.Complete = uint64(len(data)), sha256.Sum256(data), uint32(chunksFor(uint64(len(data)))), true
	}
	return h, data
}

// chunkOf is chunk i of data.
func chunkOf(data []byte, i uint32) []byte {
	return data[int(i)*MaxChunkSize : min(len(data), int(i+1)*MaxChunkSize)]
}

// putChunks uploads every chunk of data.
func putChunks(t testing.TB, s Store, id, file string, data []byte) {
	t.Helper()
	for i := range uint32(chunksFor(uint64(len(data)))) {
		if err := s.PutChunk(ctx, testOrg, id, file, i, chunkOf(data, i)); err != nil {
			t.Fatal(err)
		}
	}
}

// createMany creates n cases concurrently (so they share transactions) and
// returns their lookup ids.
func createMany(t testing.TB, s Store, n, reportSize int) []string {
	t.Helper()
	ids := make([]string, n)
	cases := make([]NewCase, n)
	for i := range ids {
		ids[i] = newID()
		cases[i] = newCase(t, ids[i], reportSize)
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range ids {
		wg.Go(func() { _, errs[i] = s.CreateCase(ctx, testOrg, cases[i]) })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}
