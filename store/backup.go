package store

import (
	"context"
	"io"

	bolt "go.etcd.io/bbolt"
)

// Backup implements Store. It copies the database file as of one read
// transaction (bbolt's Tx.WriteTo), so writes go on while it runs; the copy
// is a complete bbolt file that Open and OpenReadOnly accept. A write that
// must grow the memory map waits for the backup to end (Options.MmapSize).
func (s *BoltStore) Backup(ctx context.Context, w io.Writer) (int64, error) {
	var n int64
	err := s.view(ctx, func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(ctxWriter{ctx, w})
		return err
	})
	if err != nil && ctx.Err() != nil {
		err = ctx.Err() // bbolt does not wrap the writer's error
	}
	return n, err
}

// ctxWriter stops a copy when its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
