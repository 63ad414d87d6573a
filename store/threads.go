package store

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

func checkThread(t Thread) error {
	if t != Messages && t != Notes {
		return fmt.Errorf("%w: thread must be %q or %q", ErrInvalid, Messages, Notes)
	}
	return nil
}

// Append implements Store.
func (s *BoltStore) Append(ctx context.Context, org, id string, t Thread, e Entry) (Entry, error) {
	if err := checkThread(t); err != nil {
		return Entry{}, err
	}
	if err := checkName("author", e.Author); err != nil {
		return Entry{}, err
	}
	if t == Notes && (e.Author == AuthorReporter || e.Author == AuthorVictim) {
		return Entry{}, fmt.Errorf("%w: notes are written by referents only", ErrInvalid)
	}
	if e.Time.IsZero() {
		return Entry{}, fmt.Errorf("%w: entry time is missing", ErrInvalid)
	}
	if err := checkCiphertext("entry", e.Ciphertext); err != nil {
		return Entry{}, err
	}
	e.Time = e.Time.UTC().Truncate(time.Minute)
	v, err := encodeRecord(entryHeader{Author: e.Author, Time: e.Time.Format(minuteLayout)}, e.Ciphertext)
	if err != nil {
		return Entry{}, err
	}
	var seq uint64
	err = s.update(ctx, func(tx *bolt.Tx) error {
		ob, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		tb, err := cb.CreateBucketIfNotExists([]byte(t))
		if err != nil {
			return err
		}
		if err := s.charge(ob, cb, uint64(len(e.Ciphertext))); err != nil {
			return err
		}
		n, err := tb.NextSequence()
		if err != nil {
			return err
		}
		seq = n
		return tb.Put(u64(n), v)
	})
	if err != nil {
		return Entry{}, err
	}
	e.Seq = seq
	return e, nil
}

// Entries implements Store.
func (s *BoltStore) Entries(ctx context.Context, org, id string, t Thread, afterSeq uint64, limit int) ([]Entry, error) {
	if err := checkThread(t); err != nil {
		return nil, err
	}
	limit = limitOr(limit)
	var out []Entry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		out = nil
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		tb := cb.Bucket([]byte(t))
		if tb == nil || afterSeq == ^uint64(0) {
			return nil
		}
		c := tb.Cursor()
		for k, v := c.Seek(u64(afterSeq + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			if len(k) != 8 {
				return fmt.Errorf("store: case %s: malformed %s key", id, t)
			}
			e, err := decodeEntry(binary.BigEndian.Uint64(k), v)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// Headers implements Store.
func (s *BoltStore) Headers(ctx context.Context, org, id string, t Thread, afterSeq uint64, limit int) (uint64, []Entry, error) {
	if err := checkThread(t); err != nil {
		return 0, nil, err
	}
	limit = limitOr(limit)
	var last uint64
	var out []Entry
	err := s.view(ctx, func(tx *bolt.Tx) error {
		last, out = 0, nil
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		tb := cb.Bucket([]byte(t))
		if tb == nil {
			return nil
		}
		last = tb.Sequence()
		if afterSeq == ^uint64(0) {
			return nil
		}
		c := tb.Cursor()
		for k, v := c.Seek(u64(afterSeq + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			if len(k) != 8 {
				return fmt.Errorf("store: case %s: malformed %s key", id, t)
			}
			h, _, err := splitRecord(v)
			if err != nil {
				return err
			}
			var eh entryHeader
			if err := decodeStrict(h, &eh); err != nil {
				return fmt.Errorf("store: entry header: %v", err)
			}
			tm, err := time.Parse(minuteLayout, eh.Time)
			if err != nil {
				return fmt.Errorf("store: entry time: %v", err)
			}
			out = append(out, Entry{Seq: binary.BigEndian.Uint64(k), Author: eh.Author, Time: tm})
		}
		return nil
	})
	return last, out, err
}
