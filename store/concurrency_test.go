package store

import (
	"fmt"
	"sync"
	"testing"
)

// 16 goroutines create cases and append messages at once (run with -race);
// every write that returned nil is there afterwards, with gapless seqs.
func TestConcurrentWriters(t *testing.T) {
	s := openStore(t, Options{})
	const writers, casesEach, messagesEach = 16, 3, 4
	report, msg := ageFile(t, 2000), ageFile(t, 200)
	ids := make([][]string, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for range casesEach {
				id := newID()
				c := NewCase{Meta: meta(id), Blobs: map[BlobKind][]byte{BlobReport: report}}
				if _, err := s.CreateCase(ctx, testOrg, c); err != nil {
					t.Error(err)
					return
				}
				for range messagesEach {
					if _, err := s.Append(ctx, testOrg, id, Messages, Entry{Author: fmt.Sprintf("w%d", w), Time: now, Ciphertext: msg}); err != nil {
						t.Error(err)
						return
					}
				}
				ids[w] = append(ids[w], id)
			}
		})
	}
	wg.Wait()
	for w, list := range ids {
		if len(list) != casesEach {
			t.Fatalf("writer %d made %d cases", w, len(list))
		}
		for _, id := range list {
			es, err := s.Entries(ctx, testOrg, id, Messages, 0, 0)
			if err != nil || len(es) != messagesEach {
				t.Fatalf("case %s: %d messages, %v", id, len(es), err)
			}
			for i, e := range es {
				if e.Seq != uint64(i+1) || e.Author != fmt.Sprintf("w%d", w) {
					t.Errorf("case %s entry %d: seq %d author %s", id, i, e.Seq, e.Author)
				}
			}
		}
	}
	all, err := s.Cases(ctx, testOrg, "", 0)
	if err != nil || len(all) != writers*casesEach {
		t.Errorf("Cases = %d, %v", len(all), err)
	}
	checkCounters(t, s)
}
