package store

import (
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func lookupIDs(ms []CaseMeta) []string {
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.LookupID)
	}
	return ids
}

// The reader index follows CreateCase, AddWraps and DeleteCase: a referent
// lists exactly the cases it holds a wrap of.
func TestReaderIndex(t *testing.T) {
	s := openStore(t, Options{})
	ids := []string{newID(), newID(), newID()}
	slices.Sort(ids)
	for _, id := range ids {
		mustCreate(t, s, newCase(t, id, 10)) // readers: reporter, alice
	}
	tests := []struct {
		reader, after string
		limit         int
		want          []string
	}{
		{"alice", "", 0, ids},
		{"alice", "", 2, ids[:2]},
		{"alice", ids[1], 0, ids[2:]},
		{"reporter", "", 0, ids},
		{"bob", "", 0, nil},
		{"alic", "", 0, nil}, // a prefix of a reader id is another reader
	}
	for _, tc := range tests {
		got, err := s.ReaderCases(ctx, testOrg, tc.reader, tc.after, tc.limit)
		if err != nil || !slices.Equal(lookupIDs(got), tc.want) {
			t.Errorf("ReaderCases(%s, after %.6s, %d) = %v, %v; want %v", tc.reader, tc.after, tc.limit, lookupIDs(got), err, tc.want)
		}
	}

	// Handover to bob on the second case, with a rotation to generation 2.
	before, _ := s.Case(ctx, testOrg, ids[1])
	wantErr(t, s.AddWraps(ctx, testOrg, ids[1], []Wrap{
		{Reader: "bob", Role: RoleCase, Generation: 1, Ciphertext: ageFile(t, 100)},
		{Reader: "bob", Role: RoleCase, Generation: 2, Ciphertext: ageFile(t, 100)},
		{Reader: "bob", Role: RoleStaff, Generation: 1, Ciphertext: ageFile(t, 100)},
	}), nil)
	if got, _ := s.ReaderCases(ctx, testOrg, "bob", "", 0); !slices.Equal(lookupIDs(got), ids[1:2]) {
		t.Errorf("bob reads %v after the handover", lookupIDs(got))
	}
	after, _ := s.Case(ctx, testOrg, ids[1])
	if after.Generations != (Generations{Case: 2, Staff: 1}) || after.Version != before.Version+1 {
		t.Errorf("generations %+v version %d after AddWraps (was %d)", after.Generations, after.Version, before.Version)
	}
	for _, tc := range []struct {
		id, reader string
		want       bool
	}{{ids[1], "bob", true}, {ids[0], "bob", false}, {ids[0], "alice", true}} {
		if ok, err := s.IsReader(ctx, testOrg, tc.id, tc.reader); ok != tc.want || err != nil {
			t.Errorf("IsReader(%.6s, %s) = %v, %v", tc.id, tc.reader, ok, err)
		}
	}
	if _, err := s.IsReader(ctx, testOrg, newID(), "alice"); err == nil {
		t.Error("IsReader of an unknown case did not fail")
	}

	wantErr(t, s.DeleteCase(ctx, testOrg, ids[1], "2031-01-01"), nil)
	if got, _ := s.ReaderCases(ctx, testOrg, "bob", "", 0); len(got) != 0 {
		t.Errorf("bob still lists %v after the deletion", lookupIDs(got))
	}
	if got, _ := s.ReaderCases(ctx, testOrg, "alice", "", 0); !slices.Equal(lookupIDs(got), []string{ids[0], ids[2]}) {
		t.Errorf("alice lists %v after the deletion", lookupIDs(got))
	}
	checkCounters(t, s)
}

// Files declared with the case are reserved with it, or nothing is stored.
func TestCreateCaseWithFiles(t *testing.T) {
	s := openStore(t, Options{MaxCaseBytes: 100_000})
	id := newID()
	c := newCase(t, id, 10)
	c.Files = []FileHeader{{FileID: randHex(16), MaxSize: 5000, BeganDay: "2026-11-23"}, {FileID: randHex(16), MaxSize: 6000, BeganDay: "2026-11-23"}}
	mustCreate(t, s, c)
	files, err := s.Files(ctx, testOrg, id)
	if err != nil || len(files) != 2 || files[0].Complete || files[0].Stored != 0 {
		t.Fatalf("Files = %+v, %v", files, err)
	}
	if p, _ := s.PendingFiles(ctx, testOrg); len(p) != 2 {
		t.Errorf("%d pending files, want 2", len(p))
	}
	checkCounters(t, s)

	before := snapshot(t, s)
	for name, files := range map[string][]FileHeader{
		"over quota":   {{FileID: randHex(16), MaxSize: 200_000, BeganDay: "2026-11-23"}},
		"twice":        {{FileID: "00112233445566778899", MaxSize: 10, BeganDay: "2026-11-23"}, {FileID: "00112233445566778899", MaxSize: 10, BeganDay: "2026-11-23"}},
		"bad id":       {{FileID: "xyz", MaxSize: 10, BeganDay: "2026-11-23"}},
		"no max size":  {{FileID: randHex(16), BeganDay: "2026-11-23"}},
		"no began day": {{FileID: randHex(16), MaxSize: 10}},
	} {
		c := newCase(t, newID(), 10)
		c.Files = files
		if _, err := s.CreateCase(ctx, testOrg, c); err == nil {
			t.Errorf("%s: CreateCase succeeded", name)
		}
	}
	sameSnapshot(t, before, snapshot(t, s))
}

func TestFilesCountStoredChunks(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 10))
	data := ageFile(t, 3*MaxChunkSize)
	h := FileHeader{FileID: randHex(16), MaxSize: uint64(len(data)), BeganDay: "2026-11-23"}
	wantErr(t, s.BeginFile(ctx, testOrg, id, h), nil)
	for _, i := range []uint32{0, 2} {
		wantErr(t, s.PutChunk(ctx, testOrg, id, h.FileID, i, chunkOf(data, i)), nil)
	}
	files, err := s.Files(ctx, testOrg, id)
	if err != nil || len(files) != 1 || files[0].Stored != 2 {
		t.Errorf("Files = %+v, %v; want 2 chunks stored", files, err)
	}
}

func TestAccessLog(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 10))
	t0 := time.Date(2026, 11, 23, 10, 4, 37, 0, time.UTC)
	steps := []struct {
		a       Access
		wantSeq uint64
	}{
		{Access{Referent: "alice", Time: t0, What: "case"}, 1},
		{Access{Referent: "alice", Time: t0.Add(20 * time.Second), What: "case"}, 1}, // same minute: not logged again
		{Access{Referent: "alice", Time: t0, What: "messages"}, 2},
		{Access{Referent: "bob", Time: t0, What: "case"}, 3},
		{Access{Referent: "alice", Time: t0.Add(time.Minute), What: "case"}, 4},
		{Access{Referent: "alice", Time: t0.In(time.FixedZone("CET", 3600)), What: "case"}, 1}, // same instant, other zone
	}
	for i, st := range steps {
		got, err := s.LogAccess(ctx, testOrg, id, st.a)
		if err != nil || got.Seq != st.wantSeq || got.Time.Second() != 0 || got.Time.Location() != time.UTC {
			t.Errorf("step %d: %+v, %v; want seq %d", i, got, err, st.wantSeq)
		}
	}
	log, err := s.Accesses(ctx, testOrg, id, 0, 0)
	if err != nil || len(log) != 4 || log[3].Referent != "alice" || !log[3].Time.Equal(t0.Truncate(time.Minute).Add(time.Minute)) || log[1].What != "messages" {
		t.Errorf("Accesses = %+v, %v", log, err)
	}
	if page, _ := s.Accesses(ctx, testOrg, id, 2, 1); len(page) != 1 || page[0].Seq != 3 {
		t.Errorf("page after 2: %+v", page)
	}
	before := snapshot(t, s)
	for name, a := range map[string]Access{
		"bad what":     {Referent: "alice", Time: t0, What: "Case!"},
		"no what":      {Referent: "alice", Time: t0},
		"no time":      {Referent: "alice", What: "case"},
		"bad referent": {Referent: "al ice", Time: t0, What: "case"},
	} {
		if _, err := s.LogAccess(ctx, testOrg, id, a); err == nil {
			t.Errorf("%s: logged", name)
		}
	}
	if _, err := s.LogAccess(ctx, testOrg, newID(), Access{Referent: "alice", Time: t0, What: "case"}); err == nil {
		t.Error("logged an access to an unknown case")
	}
	sameSnapshot(t, before, snapshot(t, s))
	checkCounters(t, s)
	wantErr(t, s.DeleteCase(ctx, testOrg, id, "2031-01-01"), nil)
	n := 0
	s.Walk(ctx, func(it Item) error {
		if it.Kind == KindAccess {
			n++
		}
		return nil
	})
	if n != 0 {
		t.Errorf("%d access entries left after DeleteCase", n)
	}
}

func TestHeaders(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 10))
	if last, es, err := s.Headers(ctx, testOrg, id, Messages, 0, 0); last != 0 || len(es) != 0 || err != nil {
		t.Errorf("empty thread: %d %v %v", last, es, err)
	}
	for _, a := range []string{"reporter", "alice", "alice"} {
		if _, err := s.Append(ctx, testOrg, id, Messages, Entry{Author: a, Time: now, Ciphertext: ageFile(t, 50)}); err != nil {
			t.Fatal(err)
		}
	}
	last, es, err := s.Headers(ctx, testOrg, id, Messages, 1, 0)
	if err != nil || last != 3 || len(es) != 2 || es[0].Seq != 2 || es[0].Author != "alice" || es[0].Ciphertext != nil || es[0].Time.IsZero() {
		t.Errorf("Headers = %d %+v %v", last, es, err)
	}
}

func TestCaseMetaDaysAndConsent(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 10))
	m, err := Modify(ctx, s, testOrg, id, func(m *CaseMeta) error {
		m.Days.Acknowledged = "2026-11-24"
		m.Flags.Witness, m.Flags.Consent = true, ConsentGiven
		return nil
	})
	if err != nil || m.Days.Acknowledged != "2026-11-24" || m.Flags.Consent != ConsentGiven {
		t.Fatalf("Modify = %+v, %v", m, err)
	}
	for name, fn := range map[string]func(*CaseMeta){
		"bad day":     func(m *CaseMeta) { m.Days.Closed = "24/11/2026" },
		"bad consent": func(m *CaseMeta) { m.Flags.Consent = "maybe" },
	} {
		_, err := Modify(ctx, s, testOrg, id, func(m *CaseMeta) error { fn(m); return nil })
		if err == nil {
			t.Errorf("%s: stored", name)
		}
	}
	checkCounters(t, s)
}

// Migrating a version 0 database builds the reader index.
func TestMigrationBuildsReaderIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v0.db")
	id, _ := buildV0(t, path)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.ReaderCases(ctx, testOrg, "alice", "", 0)
	if err != nil || !slices.Equal(lookupIDs(got), []string{id}) {
		t.Errorf("alice lists %v, %v after migration", lookupIDs(got), err)
	}
	checkCounters(t, s)
}
