package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Options tune a BoltStore. The zero value is a durable store without
// quotas.
type Options struct {
	// MaxCaseBytes and MaxOrgBytes bound the ciphertext bytes one case and
	// one organisation hold (blobs, wraps, thread entries, declared file
	// sizes, invitations); 0 means unlimited. A write that would go over
	// returns ErrQuota and changes nothing.
	MaxCaseBytes uint64
	MaxOrgBytes  uint64
	// MaxFileBytes bounds the database file itself; a write that would
	// grow it further returns ErrQuota. 0 means unlimited.
	MaxFileBytes int64
	// LockTimeout is how long Open waits for the file lock that another
	// process holds; 0 means 5 seconds.
	LockTimeout time.Duration
	// BatchDelay is how long a write waits for others to share its
	// transaction and fsync (bbolt's MaxBatchDelay); 0 means 10 ms.
	BatchDelay time.Duration
	// MmapSize is the initial size of the memory map. While a long read
	// (Backup, Walk) runs, a write that must grow the map waits for it, so
	// set it above the expected file size; 0 means 1 GiB. It costs address
	// space, not memory.
	MmapSize int
}

// BoltStore is the Store kept in one bbolt file. It is safe for concurrent
// use. Writes go through bbolt's Batch (several writers share one
// transaction and one fsync); reads use read-only transactions.
type BoltStore struct {
	db       *bolt.DB
	opts     Options
	readOnly bool

	afterHash func() // test hook: runs between CompleteFile's hashing and its commit
}

var _ Store = (*BoltStore)(nil)

// Open opens or creates the store at path (mode 0600), creating the layout
// at the current schema version or migrating an older one. It refuses a
// database of a newer schema (ErrNewerSchema).
func Open(path string, opts Options) (*BoltStore, error) {
	return open(path, opts, false, migrations())
}

// OpenReadOnly opens an existing store for reading only, for auditors. bbolt
// locks the file: a running server holds the lock, so OpenReadOnly fails
// after a second while the server runs; audit a stopped server's file or a
// copy made with Backup. It does not migrate: an older schema is refused.
func OpenReadOnly(path string) (*BoltStore, error) {
	return open(path, Options{LockTimeout: time.Second}, true, migrations())
}

func open(path string, opts Options, readOnly bool, ms []migration) (*BoltStore, error) {
	timeout := opts.LockTimeout
	if timeout == 0 {
		timeout = 5 * time.Second
	}
	mmap := opts.MmapSize
	if mmap == 0 {
		mmap = 1 << 30
	}
	bo := &bolt.Options{
		Timeout:         timeout,
		FreelistType:    bolt.FreelistMapType,
		ReadOnly:        readOnly,
		InitialMmapSize: mmap,
		MaxSize:         int(opts.MaxFileBytes),
	}
	if readOnly {
		bo.InitialMmapSize = 0
	}
	db, err := bolt.Open(path, 0o600, bo)
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("store: %s is locked by another process (stop the server or use a backup copy)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if opts.BatchDelay > 0 {
		db.MaxBatchDelay = opts.BatchDelay
	}
	s := &BoltStore{db: db, opts: opts, readOnly: readOnly}
	if err := s.prepare(ms); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the database file.
func (s *BoltStore) Close() error { return s.db.Close() }

// update runs fn in a shared write transaction. bbolt may run fn more than
// once (another call in the batch failed, or fn failed and is retried
// alone): fn must derive everything from tx and assign, not accumulate,
// its results.
func (s *BoltStore) update(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.readOnly {
		return fmt.Errorf("%w: store opened read-only", ErrInvalid)
	}
	err := s.db.Batch(fn)
	if errors.Is(err, bolterrors.ErrMaxSizeReached) {
		return fmt.Errorf("%w: database file at its maximum size", ErrQuota)
	}
	return err
}

// view runs fn in a read-only transaction.
func (s *BoltStore) view(ctx context.Context, fn func(tx *bolt.Tx) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(fn)
}

func orgBucket(tx *bolt.Tx, org string) (*bolt.Bucket, error) {
	if err := checkOrg(org); err != nil {
		return nil, err
	}
	ob := tx.Bucket(bOrgs).Bucket([]byte(org))
	if ob == nil {
		return nil, fmt.Errorf("%w: organisation %s", ErrNotFound, org)
	}
	return ob, nil
}

// caseBucket returns the organisation's bucket and the case's content bucket.
func caseBucket(tx *bolt.Tx, org, id string) (ob, cb *bolt.Bucket, err error) {
	if err := checkLookup(id); err != nil {
		return nil, nil, err
	}
	if ob, err = orgBucket(tx, org); err != nil {
		return nil, nil, err
	}
	cb = ob.Bucket(bContent).Bucket([]byte(id))
	if cb == nil {
		if ob.Bucket(bTombstones).Get([]byte(id)) != nil {
			return nil, nil, fmt.Errorf("case %s: %w", id, ErrDeleted)
		}
		return nil, nil, fmt.Errorf("%w: case %s", ErrNotFound, id)
	}
	return ob, cb, nil
}

// charge counts n more bytes against the case and its organisation, or
// returns ErrQuota. Callers charge before they write anything.
func (s *BoltStore) charge(ob, cb *bolt.Bucket, n uint64) error {
	cu, ou := getU64(cb, kUsage), getU64(ob, kUsage)
	if cu+n < cu || ou+n < ou {
		return fmt.Errorf("%w: byte counter would overflow", ErrQuota)
	}
	if s.opts.MaxCaseBytes > 0 && cu+n > s.opts.MaxCaseBytes {
		return fmt.Errorf("%w: case would hold %d bytes, limit %d", ErrQuota, cu+n, s.opts.MaxCaseBytes)
	}
	if s.opts.MaxOrgBytes > 0 && ou+n > s.opts.MaxOrgBytes {
		return fmt.Errorf("%w: organisation would hold %d bytes, limit %d", ErrQuota, ou+n, s.opts.MaxOrgBytes)
	}
	if err := cb.Put(kUsage, u64(cu+n)); err != nil {
		return err
	}
	return ob.Put(kUsage, u64(ou+n))
}

// release uncounts n bytes from the case and its organisation.
func release(ob, cb *bolt.Bucket, n uint64) error {
	cu, ou := getU64(cb, kUsage), getU64(ob, kUsage)
	if err := cb.Put(kUsage, u64(cu-min(cu, n))); err != nil {
		return err
	}
	return ob.Put(kUsage, u64(ou-min(ou, n)))
}

func limitOr(limit int) int {
	if limit <= 0 || limit > 1000 {
		return 1000
	}
	return limit
}
