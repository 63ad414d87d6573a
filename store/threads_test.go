package store

import (
	"testing"
	"time"
)

func TestAppendAndEntries(t *testing.T) {
	s := openStore(t, Options{})
	id := newID()
	mustCreate(t, s, newCase(t, id, 100))

	refused := []struct {
		name   string
		thread Thread
		e      Entry
		want   error
	}{
		{"reporter writes a note", Notes, Entry{Author: AuthorReporter, Time: now, Ciphertext: ageFile(t, 10)}, ErrInvalid},
		{"victim writes a note", Notes, Entry{Author: AuthorVictim, Time: now, Ciphertext: ageFile(t, 10)}, ErrInvalid},
		{"no time", Messages, Entry{Author: AuthorReporter, Ciphertext: ageFile(t, 10)}, ErrInvalid},
		{"no author", Messages, Entry{Time: now, Ciphertext: ageFile(t, 10)}, ErrInvalid},
		{"plaintext", Messages, Entry{Author: AuthorReporter, Time: now, Ciphertext: []byte("bonjour")}, ErrInvalid},
		{"unknown thread", "chat", Entry{Author: AuthorReporter, Time: now, Ciphertext: ageFile(t, 10)}, ErrInvalid},
	}
	for _, tt := range refused {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Append(ctx, testOrg, id, tt.thread, tt.e)
			wantErr(t, err, tt.want)
		})
	}
	_, err := s.Append(ctx, testOrg, newID(), Messages, Entry{Author: AuthorReporter, Time: now, Ciphertext: ageFile(t, 10)})
	wantErr(t, err, ErrNotFound)

	authors := []string{AuthorReporter, "alice", AuthorReporter, "bob", "alice"}
	var sent [][]byte
	for i, a := range authors {
		ct := ageFile(t, 20)
		sent = append(sent, ct)
		e, err := s.Append(ctx, testOrg, id, Messages, Entry{Author: a, Time: now.Add(time.Duration(i) * time.Hour), Ciphertext: ct})
		if err != nil {
			t.Fatal(err)
		}
		if e.Seq != uint64(i+1) {
			t.Errorf("message %d got seq %d", i, e.Seq)
		}
		wantTime := time.Date(2026, 11, 23, 9+i, 4, 0, 0, time.UTC)
		if !e.Time.Equal(wantTime) || e.Time.Location() != time.UTC {
			t.Errorf("time %v, want %v (minute, UTC)", e.Time, wantTime)
		}
	}
	n, err := s.Append(ctx, testOrg, id, Notes, Entry{Author: "alice", Time: now, Ciphertext: ageFile(t, 20)})
	if err != nil || n.Seq != 1 {
		t.Errorf("first note seq %d, %v (threads count separately)", n.Seq, err)
	}

	pages := []struct {
		after uint64
		limit int
		want  []uint64
	}{
		{0, 0, []uint64{1, 2, 3, 4, 5}},
		{0, 2, []uint64{1, 2}},
		{2, 2, []uint64{3, 4}},
		{4, 10, []uint64{5}},
		{5, 10, nil},
		{^uint64(0), 10, nil},
	}
	for _, p := range pages {
		es, err := s.Entries(ctx, testOrg, id, Messages, p.after, p.limit)
		if err != nil {
			t.Fatal(err)
		}
		var seqs []uint64
		for _, e := range es {
			seqs = append(seqs, e.Seq)
			if e.Author != authors[e.Seq-1] || string(e.Ciphertext) != string(sent[e.Seq-1]) {
				t.Errorf("entry %d differs", e.Seq)
			}
			if e.Time.Second() != 0 || e.Time.Nanosecond() != 0 || e.Time.Location() != time.UTC {
				t.Errorf("entry %d time %v is finer than a minute", e.Seq, e.Time)
			}
		}
		if len(seqs) != len(p.want) {
			t.Errorf("Entries(after %d, limit %d) = %v, want %v", p.after, p.limit, seqs, p.want)
			continue
		}
		for i := range seqs {
			if seqs[i] != p.want[i] {
				t.Errorf("Entries(after %d, limit %d) = %v, want %v", p.after, p.limit, seqs, p.want)
			}
		}
	}
	notes, err := s.Entries(ctx, testOrg, id, Notes, 0, 0)
	if err != nil || len(notes) != 1 || notes[0].Author != "alice" {
		t.Errorf("notes = %v, %v", notes, err)
	}
	checkCounters(t, s)
}
