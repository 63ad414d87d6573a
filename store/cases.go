package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// CreateCase implements Store.
func (s *BoltStore) CreateCase(ctx context.Context, org string, c NewCase) (CaseMeta, error) {
	if err := checkNewCase(&c); err != nil {
		return CaseMeta{}, err
	}
	id := c.Meta.LookupID
	var stored CaseMeta
	err := s.update(ctx, func(tx *bolt.Tx) error {
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		cases, content := ob.Bucket(bCases), ob.Bucket(bContent)
		if cases.Get([]byte(id)) != nil || ob.Bucket(bTombstones).Get([]byte(id)) != nil || content.Bucket([]byte(id)) != nil {
			return fmt.Errorf("%w: case %s", ErrExists, id)
		}
		cb, err := content.CreateBucket([]byte(id))
		if err != nil {
			return err
		}
		var total uint64
		for _, b := range c.Blobs {
			total += uint64(len(b))
		}
		for _, w := range c.Wraps {
			total += uint64(len(w.Ciphertext))
		}
		if c.Invitation != nil {
			total += uint64(len(c.Invitation.Ciphertext))
		}
		for _, f := range c.Files {
			if total+f.MaxSize < total {
				return fmt.Errorf("%w: byte counter would overflow", ErrQuota)
			}
			total += f.MaxSize
		}
		if err := cb.Put(kUsage, u64(0)); err != nil {
			return err
		}
		if err := s.charge(ob, cb, total); err != nil {
			return err
		}

		m := c.Meta
		m.Version = 1
		m.Invitation, m.LinkedCase = "", ""
		if c.Invitation != nil {
			inv := *c.Invitation
			inv.WitnessCase, inv.Redeemed, inv.VictimCase = id, false, ""
			if err := putNewInvitation(ob, &inv); err != nil {
				return err
			}
			m.Invitation = inv.ID
		}
		if c.Redeems != "" {
			witness, err := redeem(ob, c.Redeems, id)
			if err != nil {
				return err
			}
			m.LinkedCase = witness
		}
		for k, b := range c.Blobs {
			if err := cb.Put([]byte(k), b); err != nil {
				return err
			}
		}
		if len(c.Wraps) > 0 {
			wb, err := cb.CreateBucket(bWraps)
			if err != nil {
				return err
			}
			for _, w := range c.Wraps {
				if err := wb.Put(wrapKey(w.Generation, w.Role, w.Reader), w.Ciphertext); err != nil {
					return err
				}
			}
			if err := indexReaders(ob, id, c.Wraps); err != nil {
				return err
			}
		}
		if len(c.Files) > 0 {
			fb, err := cb.CreateBucket(bFiles)
			if err != nil {
				return err
			}
			for _, f := range c.Files {
				serial, err := fb.NextSequence()
				if err != nil {
					return err
				}
				rec := fileRecord{FileID: f.FileID, MaxSize: f.MaxSize, BeganDay: f.BeganDay, Serial: serial}
				if err := putFile(cb, &rec); err != nil {
					return err
				}
				if err := ob.Bucket(bPending).Put(pendingKey(id, f.FileID), []byte(f.BeganDay)); err != nil {
					return err
				}
			}
		}
		for _, r := range c.Wraps {
			if r.Role == RoleCase && r.Generation > m.Generations.Case {
				m.Generations.Case = r.Generation
			}
			if r.Role == RoleStaff && r.Generation > m.Generations.Staff {
				m.Generations.Staff = r.Generation
			}
		}
		if err := putMeta(cases, &m); err != nil {
			return err
		}
		stored = m
		return nil
	})
	if err != nil {
		return CaseMeta{}, err
	}
	return stored, nil
}

func checkNewCase(c *NewCase) error {
	if err := checkMeta(&c.Meta); err != nil {
		return err
	}
	if len(c.Blobs[BlobReport]) == 0 {
		return fmt.Errorf("%w: a new case needs its report", ErrInvalid)
	}
	for k, b := range c.Blobs {
		if !k.valid() {
			return fmt.Errorf("%w: unknown blob kind %q", ErrInvalid, k)
		}
		if err := checkCiphertext(string(k), b); err != nil {
			return err
		}
	}
	seen := map[string]bool{}
	for i := range c.Wraps {
		w := &c.Wraps[i]
		if err := checkWrap(w); err != nil {
			return err
		}
		k := string(wrapKey(w.Generation, w.Role, w.Reader))
		if seen[k] {
			return fmt.Errorf("%w: the same wrap twice", ErrInvalid)
		}
		seen[k] = true
	}
	if c.Invitation != nil {
		if err := checkNewInvitation(c.Invitation); err != nil {
			return err
		}
		if c.Invitation.ID == c.Redeems || c.Invitation.ID == c.Meta.LookupID {
			return fmt.Errorf("%w: an invitation must have its own lookup id", ErrInvalid)
		}
		if w := c.Invitation.WitnessCase; w != "" && w != c.Meta.LookupID {
			return fmt.Errorf("%w: the invitation names another witness case", ErrInvalid)
		}
	}
	if c.Redeems != "" {
		if err := checkLookup(c.Redeems); err != nil {
			return err
		}
	}
	files := map[string]bool{}
	for _, f := range c.Files {
		if err := checkFileID(f.FileID); err != nil {
			return err
		}
		if err := checkDay("file day", f.BeganDay, false); err != nil {
			return err
		}
		if err := checkMaxSize(f.MaxSize); err != nil {
			return err
		}
		if files[f.FileID] {
			return fmt.Errorf("%w: the same file twice", ErrInvalid)
		}
		files[f.FileID] = true
	}
	return nil
}

// indexReaders counts wraps in the organisation's reader index, which
// ReaderCases and IsReader read.
func indexReaders(ob *bolt.Bucket, id string, wraps []Wrap) error {
	rb, err := ob.CreateBucketIfNotExists(bReaders)
	if err != nil {
		return err
	}
	for _, w := range wraps {
		k := readerKey(w.Reader, id)
		if err := rb.Put(k, u64(getU64(rb, k)+1)); err != nil {
			return err
		}
	}
	return nil
}

// unindexReaders removes a case from the reader index.
func unindexReaders(ob, cb *bolt.Bucket, id string) error {
	rb, wb := ob.Bucket(bReaders), cb.Bucket(bWraps)
	if rb == nil || wb == nil {
		return nil
	}
	readers := map[string]bool{}
	if err := wb.ForEach(func(k, _ []byte) error {
		if _, _, reader, ok := parseWrapKey(k); ok {
			readers[reader] = true
		}
		return nil
	}); err != nil {
		return err
	}
	for r := range readers {
		if err := rb.Delete(readerKey(r, id)); err != nil {
			return err
		}
	}
	return nil
}

func putMeta(cases *bolt.Bucket, m *CaseMeta) error {
	v, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return cases.Put([]byte(m.LookupID), v)
}

func getMeta(ob *bolt.Bucket, id string) (CaseMeta, error) {
	v := ob.Bucket(bCases).Get([]byte(id))
	if v == nil {
		if ob.Bucket(bTombstones).Get([]byte(id)) != nil {
			return CaseMeta{}, fmt.Errorf("case %s: %w", id, ErrDeleted)
		}
		return CaseMeta{}, fmt.Errorf("%w: case %s", ErrNotFound, id)
	}
	var m CaseMeta
	if err := json.Unmarshal(v, &m); err != nil {
		return CaseMeta{}, fmt.Errorf("store: case %s: meta is corrupt: %v", id, err)
	}
	return m, nil
}

// Case implements Store.
func (s *BoltStore) Case(ctx context.Context, org, id string) (CaseMeta, error) {
	if err := checkLookup(id); err != nil {
		return CaseMeta{}, err
	}
	var m CaseMeta
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		m, err = getMeta(ob, id)
		return err
	})
	return m, err
}

// UpdateCase implements Store. LinkedCase and Invitation belong to the
// store: the stored values are kept whatever m holds.
func (s *BoltStore) UpdateCase(ctx context.Context, org string, m CaseMeta) (CaseMeta, error) {
	if err := checkMeta(&m); err != nil {
		return CaseMeta{}, err
	}
	var stored CaseMeta
	err := s.update(ctx, func(tx *bolt.Tx) error {
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		cur, err := getMeta(ob, m.LookupID)
		if err != nil {
			return err
		}
		if cur.Version != m.Version {
			return fmt.Errorf("%w: case %s is at version %d, update was made from %d", ErrConflict, m.LookupID, cur.Version, m.Version)
		}
		n := m
		n.LinkedCase, n.Invitation, n.Version = cur.LinkedCase, cur.Invitation, cur.Version+1
		if err := putMeta(ob.Bucket(bCases), &n); err != nil {
			return err
		}
		stored = n
		return nil
	})
	if err != nil {
		return CaseMeta{}, err
	}
	return stored, nil
}

// Modify reads a case's meta, applies fn and stores the result, starting
// again from the stored meta when a concurrent update won (up to 10 times).
// fn may be called several times and must only change the meta it gets.
func Modify(ctx context.Context, s Store, org, id string, fn func(*CaseMeta) error) (CaseMeta, error) {
	for range 10 {
		m, err := s.Case(ctx, org, id)
		if err != nil {
			return CaseMeta{}, err
		}
		if err := fn(&m); err != nil {
			return CaseMeta{}, err
		}
		m.LookupID = id
		out, err := s.UpdateCase(ctx, org, m)
		if !errors.Is(err, ErrConflict) {
			return out, err
		}
	}
	return CaseMeta{}, fmt.Errorf("%w: case %s kept changing, gave up", ErrConflict, id)
}

// Cases implements Store.
func (s *BoltStore) Cases(ctx context.Context, org, after string, limit int) ([]CaseMeta, error) {
	limit = limitOr(limit)
	var out []CaseMeta
	err := s.view(ctx, func(tx *bolt.Tx) error {
		out = nil
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		c := ob.Bucket(bCases).Cursor()
		k, v := c.Seek([]byte(after))
		if k != nil && after != "" && bytes.Equal(k, []byte(after)) {
			k, v = c.Next()
		}
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			var m CaseMeta
			if err := json.Unmarshal(v, &m); err != nil {
				return fmt.Errorf("store: case %s: meta is corrupt: %v", k, err)
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// DeleteCase implements Store.
func (s *BoltStore) DeleteCase(ctx context.Context, org, id, day string) error {
	if err := checkLookup(id); err != nil {
		return err
	}
	if err := checkDay("deletion day", day, false); err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		m, err := getMeta(ob, id)
		if err != nil {
			return err
		}
		content := ob.Bucket(bContent)
		if cb := content.Bucket([]byte(id)); cb != nil {
			if err := unindexReaders(ob, cb, id); err != nil {
				return err
			}
			ou := getU64(ob, kUsage)
			if err := ob.Put(kUsage, u64(ou-min(ou, getU64(cb, kUsage)))); err != nil {
				return err
			}
			if err := content.DeleteBucket([]byte(id)); err != nil {
				return err
			}
		}
		if err := ob.Bucket(bCases).Delete([]byte(id)); err != nil {
			return err
		}
		if m.Invitation != "" {
			invs := ob.Bucket(bInvitations)
			if v := invs.Get([]byte(m.Invitation)); v != nil {
				if inv, err := decodeInvitation(m.Invitation, v); err == nil && inv.WitnessCase == id {
					if err := invs.Delete([]byte(m.Invitation)); err != nil {
						return err
					}
				}
			}
		}
		if err := deletePrefix(ob.Bucket(bPending), []byte(id)); err != nil {
			return err
		}
		ts, err := json.Marshal(tombstone{LookupID: id, DeletedDay: day})
		if err != nil {
			return err
		}
		return ob.Bucket(bTombstones).Put([]byte(id), ts)
	})
}

// deletePrefix deletes every key of b that starts with prefix.
func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// ReaderCases implements Store.
func (s *BoltStore) ReaderCases(ctx context.Context, org, reader, after string, limit int) ([]CaseMeta, error) {
	if err := checkName("reader", reader); err != nil {
		return nil, err
	}
	if after != "" {
		if err := checkLookup(after); err != nil {
			return nil, err
		}
	}
	limit = limitOr(limit)
	var out []CaseMeta
	err := s.view(ctx, func(tx *bolt.Tx) error {
		out = nil
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		rb := ob.Bucket(bReaders)
		if rb == nil {
			return nil
		}
		p := readerPrefix(reader)
		c := rb.Cursor()
		k, _ := c.Seek(readerKey(reader, after))
		if k != nil && after != "" && bytes.Equal(k, readerKey(reader, after)) {
			k, _ = c.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, p) && len(out) < limit; k, _ = c.Next() {
			_, id, ok := parseReaderKey(k)
			if !ok {
				return fmt.Errorf("store: organisation %s: malformed reader index key", org)
			}
			m, err := getMeta(ob, id)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return nil
	})
	return out, err
}

// IsReader implements Store.
func (s *BoltStore) IsReader(ctx context.Context, org, id, reader string) (bool, error) {
	if err := checkName("reader", reader); err != nil {
		return false, err
	}
	var ok bool
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ob, _, err := caseBucket(tx, org, id)
		if err != nil {
			return err
		}
		rb := ob.Bucket(bReaders)
		ok = rb != nil && rb.Get(readerKey(reader, id)) != nil
		return nil
	})
	return ok, err
}
