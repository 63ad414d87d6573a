package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A backup taken while writers run is a consistent bbolt file holding every
// case committed before it began.
func TestBackupDuringWrites(t *testing.T) {
	s := openStore(t, Options{})
	report, msg := ageFile(t, 4000), ageFile(t, 300)

	var mu sync.Mutex
	var committed []string
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for !stop.Load() {
				id := newID()
				c := NewCase{Meta: meta(id), Blobs: map[BlobKind][]byte{BlobReport: report}}
				if _, err := s.CreateCase(ctx, testOrg, c); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.Append(ctx, testOrg, id, Messages, Entry{Author: AuthorReporter, Time: now, Ciphertext: msg}); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				committed = append(committed, id)
				mu.Unlock()
			}
		})
	}
	for { // let some writes land
		mu.Lock()
		n := len(committed)
		mu.Unlock()
		if n >= 20 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	before := append([]string(nil), committed...)
	mu.Unlock()
	path := filepath.Join(t.TempDir(), "backup.db")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := s.Backup(ctx, f)
	if err != nil || n == 0 {
		t.Fatalf("Backup = %d, %v", n, err)
	}
	f.Close()
	time.Sleep(50 * time.Millisecond) // writes go on after the backup
	stop.Store(true)
	wg.Wait()

	b, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.db.View(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		return nil
	}); err != nil {
		t.Fatalf("backup is not consistent: %v", err)
	}
	for _, id := range before {
		if _, err := b.Case(ctx, testOrg, id); err != nil {
			t.Fatalf("case committed before the backup: %v", err)
		}
	}
	// Every case in the backup is whole: meta, report and (since the
	// message is a later transaction) zero or one message.
	all, err := b.Cases(ctx, testOrg, "", 0)
	if err != nil || len(all) < len(before) {
		t.Fatalf("backup has %d cases, %v", len(all), err)
	}
	for _, m := range all {
		if _, err := b.Blob(ctx, testOrg, m.LookupID, BlobReport); err != nil {
			t.Errorf("case %s without its report: %v", m.LookupID, err)
		}
	}
	checkCounters(t, b)
	mu.Lock()
	t.Logf("%d cases before the backup, %d in it, %d at the end", len(before), len(all), len(committed))
	mu.Unlock()
}

func TestBackupStopsWithContext(t *testing.T) {
	s := openStore(t, Options{})
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := s.Backup(c, &failWriter{})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Backup with a done context: %v", err)
	}
	c, cancel = context.WithCancel(ctx)
	w := &failWriter{after: 1, cancel: cancel}
	_, err = s.Backup(c, w)
	if !errors.Is(err, context.Canceled) || w.writes > 2 {
		t.Errorf("Backup cancelled midway: %v after %d writes", err, w.writes)
	}
}

type failWriter struct {
	writes, after int
	cancel        func()
}

func (w *failWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes == w.after {
		w.cancel()
	}
	return len(p), nil
}
