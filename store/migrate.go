package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the layout version this program writes (SPEC.md).
//
// History:
//   - 0: the first layout; no schema key and no byte counters.
//   - 1: "usage" counters in every organisation and case bucket, the
//     schema key, and "max_size" in file headers.
//   - 2: the "readers" index in every organisation bucket (built from the
//     stored wraps). Version 2 also writes values that version 1 does not
//     know, made only by new calls: access logs in case buckets, and the
//     optional case meta fields days, flags.witness, flags.victim_thread
//     and flags.consent.
const SchemaVersion = 2

// A migration moves the layout from version to-1 to version to, inside one
// write transaction that also records the new version: a failed migration
// leaves the database at the version before it.
type migration struct {
	to   uint64
	name string
	run  func(tx *bolt.Tx) error
}

// migrations returns the registered migrations, in order.
func migrations() []migration {
	return []migration{
		{to: 1, name: "usage counters", run: migrateUsageCounters},
		{to: 2, name: "reader index", run: migrateReaderIndex},
	}
}

// schemaOf reads the stored version: 0 when there is no schema key but the
// data buckets exist; fresh reports a database with no buckets at all.
func schemaOf(tx *bolt.Tx) (v uint64, fresh bool, err error) {
	if mb := tx.Bucket(bMeta); mb != nil {
		raw := mb.Get(kSchema)
		if len(raw) != 8 {
			return 0, false, fmt.Errorf("store: schema version is malformed")
		}
		return getU64(mb, kSchema), false, nil
	}
	if tx.Bucket(bOrgs) != nil {
		return 0, false, nil
	}
	return 0, true, nil
}

// prepare creates, checks or migrates the layout.
func (s *BoltStore) prepare(ms []migration) error {
	var v uint64
	var fresh bool
	if err := s.db.View(func(tx *bolt.Tx) (err error) {
		v, fresh, err = schemaOf(tx)
		return err
	}); err != nil {
		return err
	}
	target := uint64(0)
	if len(ms) > 0 {
		target = ms[len(ms)-1].to
	}
	if v > target {
		return fmt.Errorf("%w: database is at schema %d, this program knows up to %d; use a newer program", ErrNewerSchema, v, target)
	}
	if s.readOnly {
		if fresh || v < target {
			return fmt.Errorf("store: database is at schema %d, not %d: open it read-write once to migrate it", v, target)
		}
		return nil
	}
	if fresh {
		return s.db.Update(func(tx *bolt.Tx) error {
			if _, err := tx.CreateBucket(bOrgs); err != nil {
				return err
			}
			mb, err := tx.CreateBucket(bMeta)
			if err != nil {
				return err
			}
			return mb.Put(kSchema, u64(target))
		})
	}
	for _, m := range ms {
		if m.to <= v {
			continue
		}
		if m.to != v+1 {
			return fmt.Errorf("store: no migration from schema %d to %d", v, v+1)
		}
		err := s.db.Update(func(tx *bolt.Tx) error {
			if err := m.run(tx); err != nil {
				return err
			}
			mb, err := tx.CreateBucketIfNotExists(bMeta)
			if err != nil {
				return err
			}
			return mb.Put(kSchema, u64(m.to))
		})
		if err != nil {
			return fmt.Errorf("store: migration to schema %d (%s): %w", m.to, m.name, err)
		}
		v = m.to
	}
	return nil
}

// migrateUsageCounters (0 → 1) computes the byte counters that quotas need
// from what is stored.
func migrateUsageCounters(tx *bolt.Tx) error {
	return forEachOrg(tx, func(org []byte, ob *bolt.Bucket) error {
		for _, name := range orgSubBuckets {
			if _, err := ob.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if err := boundFiles(ob); err != nil {
			return fmt.Errorf("organisation %s: %w", org, err)
		}
		usage, err := recount(ob)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", org, err)
		}
		var total uint64
		content := ob.Bucket(bContent)
		for id, n := range usage {
			cb := content.Bucket([]byte(id))
			if err := cb.Put(kUsage, u64(n)); err != nil {
				return err
			}
			total += n
		}
		return ob.Put(kUsage, u64(total))
	})
}

// boundFiles gives version 0 file headers, declared with their exact size,
// the max_size field of version 1 (equal to that size); an incomplete one
// loses its size, SHA-256 and chunk count, which CompleteFile now takes.
func boundFiles(ob *bolt.Bucket) error {
	content := ob.Bucket(bContent)
	if content == nil {
		return nil
	}
	type old struct {
		id  []byte
		rec fileRecord
	}
	var olds []old
	err := content.ForEachBucket(func(id []byte) error {
		fb := content.Bucket(id).Bucket(bFiles)
		if fb == nil {
			return nil
		}
		return fb.ForEach(func(k, v []byte) error {
			var r fileRecord
			if err := decodeStrict(v, &r); err != nil {
				return fmt.Errorf("case %s: file %s: %w", id, k, err)
			}
			if r.MaxSize == 0 {
				olds = append(olds, old{bytes.Clone(id), r})
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	for _, o := range olds {
		r := o.rec
		r.MaxSize = r.Size
		if !r.Complete {
			r.Size, r.SHA256, r.Chunks = 0, Hash{}, 0
		}
		if err := putFile(content.Bucket(o.id), &r); err != nil {
			return err
		}
	}
	return nil
}

// migrateReaderIndex (1 → 2) builds every organisation's reader index from
// the stored wraps.
func migrateReaderIndex(tx *bolt.Tx) error {
	return forEachOrg(tx, func(org []byte, ob *bolt.Bucket) error {
		rb, err := ob.CreateBucketIfNotExists(bReaders)
		if err != nil {
			return err
		}
		content := ob.Bucket(bContent)
		if content == nil {
			return nil
		}
		return content.ForEachBucket(func(id []byte) error {
			wb := content.Bucket(id).Bucket(bWraps)
			if wb == nil {
				return nil
			}
			counts := map[string]uint64{}
			if err := wb.ForEach(func(k, _ []byte) error {
				_, _, reader, ok := parseWrapKey(k)
				if !ok {
					return fmt.Errorf("organisation %s: case %s: malformed wrap key", org, id)
				}
				counts[reader]++
				return nil
			}); err != nil {
				return err
			}
			for reader, n := range counts {
				if err := rb.Put(readerKey(reader, string(id)), u64(n)); err != nil {
					return err
				}
			}
			return nil
		})
	})
}

func forEachOrg(tx *bolt.Tx, fn func(org []byte, ob *bolt.Bucket) error) error {
	orgs := tx.Bucket(bOrgs)
	if orgs == nil {
		return nil
	}
	return orgs.ForEachBucket(func(k []byte) error { return fn(k, orgs.Bucket(k)) })
}

// recount sums, for every case of an organisation, the bytes that quotas
// count: blobs, wraps, thread entry ciphertexts, file sizes (the declared
// maximum until a file is complete, its size after) and the ciphertext of
// the invitation the case issued. It is the definition the counters are
// kept equal to.
func recount(ob *bolt.Bucket) (map[string]uint64, error) {
	usage := map[string]uint64{}
	content := ob.Bucket(bContent)
	if content == nil {
		return usage, nil
	}
	err := content.ForEachBucket(func(id []byte) error {
		cb := content.Bucket(id)
		var n uint64
		for _, k := range []BlobKind{BlobReport, BlobIdentity, BlobRelease, BlobInvitation} {
			n += uint64(len(cb.Get([]byte(k))))
		}
		if b := cb.Bucket(bWraps); b != nil {
			b.ForEach(func(_, v []byte) error { n += uint64(len(v)); return nil })
		}
		for _, t := range []Thread{Messages, Notes} {
			if b := cb.Bucket([]byte(t)); b != nil {
				if err := b.ForEach(func(_, v []byte) error {
					_, ct, err := splitRecord(v)
					n += uint64(len(ct))
					return err
				}); err != nil {
					return err
				}
			}
		}
		if b := cb.Bucket(bFiles); b != nil {
			if err := b.ForEach(func(_, v []byte) error {
				var r fileRecord
				err := decodeStrict(v, &r)
				n += r.reserved()
				return err
			}); err != nil {
				return err
			}
		}
		usage[string(id)] = n
		return nil
	})
	if err != nil {
		return nil, err
	}
	if invs := ob.Bucket(bInvitations); invs != nil {
		err = invs.ForEach(func(k, v []byte) error {
			inv, err := decodeInvitation(string(k), v)
			if err != nil {
				return err
			}
			if _, ok := usage[inv.WitnessCase]; ok {
				usage[inv.WitnessCase] += uint64(len(inv.Ciphertext))
			}
			return nil
		})
	}
	return usage, err
}
