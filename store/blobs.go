package store

import (
	"bytes"
	"context"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// PutBlob implements Store.
func (s *BoltStore) PutBlob(ctx context.Context, org, id string, kind BlobKind, ciphertext []byte) error {
	if !kind.valid() {
		return fmt.Errorf("%w: unknown blob kind %q", ErrInvalid, kind)
	}
	if err := checkCiphertext(string(kind), ciphertext); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		if cur := cb.Get([]byte(kind)); cur != nil {
			if bytes.Equal(cur, ciphertext) {
				return nil
			}
			return fmt.Errorf("%w: case %s already has its %s", ErrExists, id, kind)
		}
		if err := s.charge(ob, cb, uint64(len(ciphertext))); err != nil {
			return err
		}
		return cb.Put([]byte(kind), ciphertext)
	})
}

// Blob implements Store.
func (s *BoltStore) Blob(ctx context.Context, org, id string, kind BlobKind) ([]byte, error) {
	if !kind.valid() {
		return nil, fmt.Errorf("%w: unknown blob kind %q", ErrInvalid, kind)
	}
	var out []byte
	err := s.view(ctx, func(tx *bolt.Tx) error {
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		v := cb.Get([]byte(kind))
		if v == nil {
			return fmt.Errorf("%w: case %s has no %s", ErrNotFound, id, kind)
		}
		out = clone(v)
		return nil
	})
	return out, err
}

// AddWraps implements Store.
func (s *BoltStore) AddWraps(ctx context.Context, org, id string, wraps []Wrap) error {
	seen := map[string]bool{}
	for i := range wraps {
		if err := checkWrap(&wraps[i]); err != nil {
			return err
		}
		k := string(wrapKey(wraps[i].Generation, wraps[i].Role, wraps[i].Reader))
		if seen[k] {
			return fmt.Errorf("%w: the same wrap twice", ErrInvalid)
		}
		seen[k] = true
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		wb, err := cb.CreateBucketIfNotExists(bWraps)
		if err != nil {
			return err
		}
		var fresh []Wrap
		var total uint64
		for _, w := range wraps {
			cur := wb.Get(wrapKey(w.Generation, w.Role, w.Reader))
			switch {
			case cur == nil:
				fresh = append(fresh, w)
				total += uint64(len(w.Ciphertext))
			case !bytes.Equal(cur, w.Ciphertext):
				return fmt.Errorf("%w: case %s already has a %s wrap of generation %d for %s", ErrExists, id, w.Role, w.Generation, w.Reader)
			}
		}
		if err := s.charge(ob, cb, total); err != nil {
			return err
		}
		for _, w := range fresh {
			if err := wb.Put(wrapKey(w.Generation, w.Role, w.Reader), w.Ciphertext); err != nil {
				return err
			}
		}
		if err := indexReaders(ob, id, fresh); err != nil {
			return err
		}
		return raiseGenerations(ob, id, fresh)
	})
}

// raiseGenerations sets the case meta's generations to at least the
// highest of the wraps, as a new version of the meta if they change.
func raiseGenerations(ob *bolt.Bucket, id string, wraps []Wrap) error {
	m, err := getMeta(ob, id)
	if err != nil {
		return err
	}
	g := m.Generations
	for _, w := range wraps {
		switch w.Role {
		case RoleCase:
			g.Case = max(g.Case, w.Generation)
		case RoleStaff:
			g.Staff = max(g.Staff, w.Generation)
		}
	}
	if g == m.Generations {
		return nil
	}
	m.Generations = g
	m.Version++
	return putMeta(ob.Bucket(bCases), &m)
}

// Wraps implements Store.
func (s *BoltStore) Wraps(ctx context.Context, org, id string) ([]Wrap, error) {
	var out []Wrap
	err := s.view(ctx, func(tx *bolt.Tx) error {
		out = nil
		_, cb, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		wb := cb.Bucket(bWraps)
		if wb == nil {
			return nil
		}
		return wb.ForEach(func(k, v []byte) error {
			gen, role, reader, ok := parseWrapKey(k)
			if !ok {
				return fmt.Errorf("store: case %s: malformed wrap key", id)
			}
			out = append(out, Wrap{Reader: reader, Role: role, Generation: gen, Ciphertext: clone(v)})
			return nil
		})
	})
	return out, err
}
