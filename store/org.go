package store

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

var orgSubBuckets = [][]byte{bCases, bContent, bInvitations, bTombstones, bPending, bReaders}

// PutOrgConfig implements Store.
func (s *BoltStore) PutOrgConfig(ctx context.Context, org string, config []byte) error {
	if err := checkOrg(org); err != nil {
		return err
	}
	if len(config) > MaxValueSize || !json.Valid(config) {
		return fmt.Errorf("%w: organisation config must be JSON of at most %d bytes", ErrInvalid, MaxValueSize)
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, err := tx.Bucket(bOrgs).CreateBucketIfNotExists([]byte(org))
		if err != nil {
			return err
		}
		for _, name := range orgSubBuckets {
			if _, err := ob.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		if ob.Get(kUsage) == nil {
			if err := ob.Put(kUsage, u64(0)); err != nil {
				return err
			}
		}
		return ob.Put(kConfig, config)
	})
}

// PutDirectory implements Store.
func (s *BoltStore) PutDirectory(ctx context.Context, org string, version uint64, signed []byte) error {
	if len(signed) > MaxValueSize || !json.Valid(signed) {
		return fmt.Errorf("%w: signed directory must be JSON of at most %d bytes", ErrInvalid, MaxValueSize)
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		if cur := getU64(ob, kDirVersion); version <= cur {
			return fmt.Errorf("%w: organisation %s has directory version %d, got %d", ErrStaleVersion, org, cur, version)
		}
		if err := ob.Put(kDirectory, signed); err != nil {
			return err
		}
		return ob.Put(kDirVersion, u64(version))
	})
}

// Org implements Store.
func (s *BoltStore) Org(ctx context.Context, org string) (Org, error) {
	var o Org
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ob, err := orgBucket(tx, org)
		if err != nil {
			return err
		}
		o = Org{
			ID:               org,
			Config:           clone(ob.Get(kConfig)),
			Directory:        clone(ob.Get(kDirectory)),
			DirectoryVersion: getU64(ob, kDirVersion),
			Bytes:            getU64(ob, kUsage),
		}
		return nil
	})
	return o, err
}

// Orgs implements Store.
func (s *BoltStore) Orgs(ctx context.Context) ([]string, error) {
	var ids []string
	err := s.view(ctx, func(tx *bolt.Tx) error {
		ids = nil
		return tx.Bucket(bOrgs).ForEachBucket(func(k []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	return ids, err
}
