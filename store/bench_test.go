package store

import (
	"fmt"
	"sync/atomic"
	"testing"

	"filippo.io/age"
)

// hybridWrap is a realistic wrap: a case key's secret string encrypted to
// a post-quantum hybrid recipient (about 1.6 KiB).
func hybridWrap(b *testing.B) []byte {
	id, err := age.GenerateHybridIdentity()
	if err != nil {
		b.Fatal(err)
	}
	var buf = new(bytesBuffer)
	w, err := age.Encrypt(buf, id.Recipient())
	if err != nil {
		b.Fatal(err)
	}
	w.Write([]byte("AGE-SECRET-KEY-PQ-1" + randHex(40)))
	w.Close()
	return buf.b
}

type bytesBuffer struct{ b []byte }

func (w *bytesBuffer) Write(p []byte) (int, error) { w.b = append(w.b, p...); return len(p), nil }

// BenchmarkCreateCase stores a case (meta, report, three hybrid wraps) with
// fsync on, from 16 goroutines at once.
func BenchmarkCreateCase(b *testing.B) {
	for _, size := range []int{4 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("report=%dKiB", size>>10), func(b *testing.B) {
			s := openStore(b, Options{})
			report := ageFile(b, size)
			wraps := []Wrap{
				{Reader: "reporter", Role: RoleCase, Generation: 1, Ciphertext: hybridWrap(b)},
				{Reader: "alice", Role: RoleCase, Generation: 1, Ciphertext: hybridWrap(b)},
				{Reader: "bob", Role: RoleCase, Generation: 1, Ciphertext: hybridWrap(b)},
			}
			b.SetBytes(int64(len(report)))
			b.SetParallelism(8)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					id := newID()
					if _, err := s.CreateCase(ctx, testOrg, NewCase{Meta: meta(id), Blobs: map[BlobKind][]byte{BlobReport: report}, Wraps: wraps}); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// BenchmarkCreateCaseSerial is one writer alone: its latency is bbolt's
// batch delay (Options.BatchDelay, 10 ms) plus the commit's fsyncs.
func BenchmarkCreateCaseSerial(b *testing.B) {
	s := openStore(b, Options{})
	report := ageFile(b, 4<<10)
	wraps := []Wrap{{Reader: "alice", Role: RoleCase, Generation: 1, Ciphertext: hybridWrap(b)}}
	for b.Loop() {
		if _, err := s.CreateCase(ctx, testOrg, NewCase{Meta: meta(newID()), Blobs: map[BlobKind][]byte{BlobReport: report}, Wraps: wraps}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppendMessage appends 1 KiB-frame messages to 64 cases from 16
// goroutines, fsync on.
func BenchmarkAppendMessage(b *testing.B) {
	s := openStore(b, Options{})
	ids := createMany(b, s, 64, 1000)
	msg := ageFile(b, 1024)
	var next atomic.Uint64
	b.SetBytes(int64(len(msg)))
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[next.Add(1)%uint64(len(ids))]
			if _, err := s.Append(ctx, testOrg, id, Messages, Entry{Author: AuthorReporter, Time: now, Ciphertext: msg}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkLookup reads a case's meta and its report among 2,000 cases,
// from 16 goroutines.
func BenchmarkLookup(b *testing.B) {
	s := openStore(b, Options{})
	var ids []string
	for range 10 {
		ids = append(ids, createMany(b, s, 200, 4<<10)...)
	}
	var next atomic.Uint64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := ids[next.Add(7919)%uint64(len(ids))]
			if _, err := s.Case(ctx, testOrg, id); err != nil {
				b.Error(err)
				return
			}
			if _, err := s.Blob(ctx, testOrg, id, BlobReport); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
