package store

import (
	"context"
	"io"
)

// Store is everything the Lanterne server keeps: opaque age ciphertexts made
// on clients, and the little metadata the workflow needs. *BoltStore
// implements it; a replicated backend would implement the same interface.
//
// All identifiers are validated (ErrInvalid otherwise): org is an
// organisation id ([a-z0-9][a-z0-9-]{0,62}); id is a case lookup id (32
// lowercase hex characters); file is a file id (16 to 64 lowercase hex
// characters, even length). Days are civil dates "YYYY-MM-DD". Every method
// except Close checks ctx before it starts and between steps of long
// operations.
//
// Every value named ciphertext must be a well-formed binary age file
// (header, nonce, at least one payload chunk); anything else is refused with
// ErrInvalid, so a server bug cannot store plaintext.
type Store interface {
	// PutOrgConfig creates the organisation if needed and replaces its
	// configuration (JSON owned by the server, stored as given).
	PutOrgConfig(ctx context.Context, org string, config []byte) error
	// PutDirectory stores the organisation's signed directory (JSON) if
	// version is above the stored one, else ErrStaleVersion.
	PutDirectory(ctx context.Context, org string, version uint64, signed []byte) error
	// Org returns the organisation's configuration, directory and usage.
	Org(ctx context.Context, org string) (Org, error)
	// Orgs lists the organisation ids in byte order.
	Orgs(ctx context.Context) ([]string, error)

	// CreateCase stores a new case (meta, blobs, wraps, declared files, an
	// issued or a redeemed invitation) in one transaction, or nothing. A lookup id that
	// exists or was deleted is refused with ErrExists. The returned meta is
	// what was stored (Version 1, links filled in).
	CreateCase(ctx context.Context, org string, c NewCase) (CaseMeta, error)
	// Case returns a case's meta; ErrDeleted (which is also ErrNotFound) if
	// only its tombstone remains.
	Case(ctx context.Context, org, id string) (CaseMeta, error)
	// UpdateCase replaces a case's meta if m.Version is the stored version
	// (else ErrConflict) and returns what was stored, with Version + 1. See
	// Modify for a read-modify-write loop.
	UpdateCase(ctx context.Context, org string, m CaseMeta) (CaseMeta, error)
	// Cases lists the metas of up to limit cases (limit <= 0 or > 1000 means
	// 1000) whose lookup ids come after after, in lookup id order.
	Cases(ctx context.Context, org, after string, limit int) ([]CaseMeta, error)
	// DeleteCase removes every value of the case — meta, blobs, wraps,
	// threads, files, the invitation it issued — and leaves a tombstone
	// {lookup id, day}.
	DeleteCase(ctx context.Context, org, id, day string) error

	// PutBlob sets one of the case's set-once ciphertexts. Putting the same
	// bytes again is a no-op; other bytes are refused with ErrExists.
	PutBlob(ctx context.Context, org, id string, kind BlobKind, ciphertext []byte) error
	// Blob returns one of the case's ciphertexts.
	Blob(ctx context.Context, org, id string, kind BlobKind) ([]byte, error)
	// AddWraps adds key wraps, all or none. A (reader, role, generation)
	// already holding other bytes is refused with ErrExists; the same bytes
	// again are a no-op. In the same transaction, the case meta's
	// Generations rise to the highest generation of each role added (a
	// new meta Version when they change).
	AddWraps(ctx context.Context, org, id string, wraps []Wrap) error
	// Wraps returns all of the case's wraps, by generation, role, reader.
	Wraps(ctx context.Context, org, id string) ([]Wrap, error)
	// IsReader reports whether reader holds at least one wrap of the case.
	IsReader(ctx context.Context, org, id, reader string) (bool, error)
	// ReaderCases lists, in lookup id order, the metas of up to limit
	// cases (limit <= 0 or > 1000 means 1000) after the lookup id after
	// ("" for the first page) in which reader holds at least one wrap. It
	// reads an index kept in the same transactions as the wraps.
	ReaderCases(ctx context.Context, org, reader, after string, limit int) ([]CaseMeta, error)

	// Append adds an entry to a thread. The store assigns Seq (1, 2, ...)
	// and truncates Time to the minute in UTC; it returns the stored entry.
	Append(ctx context.Context, org, id string, t Thread, e Entry) (Entry, error)
	// Entries returns up to limit entries (limit <= 0 or > 1000 means 1000)
	// with Seq > afterSeq, in order.
	Entries(ctx context.Context, org, id string, t Thread, afterSeq uint64, limit int) ([]Entry, error)
	// Headers is Entries without the ciphertexts (Seq, Author and Time
	// only); it also returns the thread's last Seq (0 when empty).
	Headers(ctx context.Context, org, id string, t Thread, afterSeq uint64, limit int) (last uint64, entries []Entry, err error)

	// LogAccess records that a referent fetched some of the case's
	// content. Time is truncated to the minute in UTC; an entry equal to
	// one of the case's 16 latest (same referent, minute and What) is not
	// added again, and that one is returned. DeleteCase removes the log
	// with the case.
	LogAccess(ctx context.Context, org, id string, a Access) (Access, error)
	// Accesses returns up to limit access entries (limit <= 0 or > 1000
	// means 1000) with Seq > afterSeq, in order.
	Accesses(ctx context.Context, org, id string, afterSeq uint64, limit int) ([]Access, error)

	// BeginFile declares an evidence file before its ciphertext exists in
	// full: h.FileID, h.BeganDay and h.MaxSize, an upper bound on the
	// ciphertext size (1 byte to 65,536 × (2³²−1)) that is reserved against
	// the quotas (ErrQuota). h.Size, h.SHA256, h.Chunks and h.Complete are
	// ignored. Declaring the same file id with the same MaxSize again is a
	// no-op; with another MaxSize it is ErrExists.
	BeginFile(ctx context.Context, org, id string, h FileHeader) error
	// PutChunk stores chunk index (1 to MaxChunkSize bytes) of a declared
	// file, as the client encrypts: the chunk must end within MaxSize
	// (index·MaxChunkSize + len(data) <= MaxSize, else ErrInvalid), chunk 0
	// must start as an age file, and the exact length rule is checked by
	// CompleteFile. The same bytes again are a no-op; other bytes at a
	// stored index, or an index past the end of a complete file, are
	// ErrConflict.
	PutChunk(ctx context.Context, org, id, file string, index uint32, data []byte) error
	// CompleteFile ends an upload with the ciphertext's size and SHA-256,
	// known only once the client has encrypted everything. size must be
	// 1..MaxSize (0 is ErrInvalid, above MaxSize ErrConflict). With n =
	// ceil(size / MaxChunkSize), chunks 0..n-1 must all be stored (else
	// ErrIncomplete), none at index n or above, every one but the last
	// exactly MaxChunkSize bytes, the last size − (n−1)·MaxChunkSize, and
	// their SHA-256 equal to sum (else ErrConflict). The header then records
	// Size, SHA256, Chunks = n and Complete, and the reservation shrinks
	// from MaxSize to size. Completing again with the same size and sum is
	// a no-op; with others it is ErrConflict.
	CompleteFile(ctx context.Context, org, id, file string, size uint64, sum Hash) error
	// Files lists the case's file headers, complete or not, by file id,
	// with the number of chunks stored so far in Stored.
	Files(ctx context.Context, org, id string) ([]FileHeader, error)
	// ReadFile writes a complete file's ciphertext to w chunk by chunk, each
	// read in its own short transaction, and returns the bytes written.
	ReadFile(ctx context.Context, org, id, file string, w io.Writer) (int64, error)
	// PendingFiles lists the organisation's incomplete files.
	PendingFiles(ctx context.Context, org string) ([]PendingFile, error)
	// DeleteFile removes an incomplete file and its chunks and releases
	// its reservation (MaxSize);
	// a complete file is refused with ErrConflict (only DeleteCase removes
	// evidence).
	DeleteFile(ctx context.Context, org, id, file string) error

	// CreateInvitation stores an invitation issued by an existing case
	// that has none yet, and links it from that case's meta.
	CreateInvitation(ctx context.Context, org string, inv Invitation) error
	// Invitation returns an invitation by its lookup id.
	Invitation(ctx context.Context, org, id string) (Invitation, error)

	// Backup writes a consistent copy of the whole database to w while
	// writes continue, and returns the bytes written. The copy holds
	// exactly what was committed when Backup began.
	Backup(ctx context.Context, w io.Writer) (int64, error)
	// Walk calls fn for every stored value, with its kind, from one
	// consistent snapshot; it stops at the first error fn returns.
	Walk(ctx context.Context, fn func(Item) error) error

	// Close releases the store.
	Close() error
}
