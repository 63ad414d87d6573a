package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// accessDedupe is how many of a case's latest access entries LogAccess
// compares a new one with: a referent's client that polls a thread every
// few seconds adds one entry per minute, not one per request.
const accessDedupe = 16

// LogAccess implements Store.
func (s *BoltStore) LogAccess(ctx context.Context, org, id string, a Access) (Access, error) {
	if err := checkName("referent id", a.Referent); err != nil {
		return Access{}, err
	}
	if err := checkWhat(a.What); err != nil {
		return Access{}, err
	}
	if a.Time.IsZero() {
		return Access{}, fmt.Errorf("%w: access time is missing", ErrInvalid)
	}
	a.Time = a.Time.UTC().Truncate(time.Minute)
	v, err := json.Marshal(accessRecord{Referent: a.Referent, Time: a.Time.Format(minuteLayout), What: a.What})
	if err != nil {
		return Access{}, err
	}
	var seq uint64
	err = s.update(ctx, func(tx *bolt.Tx) error {
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		ab, err := cb.CreateBucketIfNotExists(bAccess)
		if err != nil {
			return err
		}
		c := ab.Cursor()
		i := 0
		for k, old := c.Last(); k != nil && i < accessDedupe; k, old = c.Prev() {
			if string(old) == string(v) && len(k) == 8 {
				seq = binary.BigEndian.Uint64(k)
				return nil
			}
			i++
		}
		n, err := ab.NextSequence()
		if err != nil {
			return err
		}
		seq = n
		return ab.Put(u64(n), v)
	})
	if err != nil {
		return Access{}, err
	}
	a.Seq = seq
	return a, nil
}

// Accesses implements Store.
func (s *BoltStore) Accesses(ctx context.Context, org, id string, afterSeq uint64, limit int) ([]Access, error) {
	limit = limitOr(limit)
	var out []Access
	err := s.view(ctx, func(tx *bolt.Tx) error {
		out = nil
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		ab := cb.Bucket(bAccess)
		if ab == nil || afterSeq == ^uint64(0) {
			return nil
		}
		c := ab.Cursor()
		for k, v := c.Seek(u64(afterSeq + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			if len(k) != 8 {
				return fmt.Errorf("store: case %s: malformed access key", id)
			}
			a, err := decodeAccess(binary.BigEndian.Uint64(k), v)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}
