// Package store keeps what the Lanterne server holds: age ciphertexts made
// on clients, and the minimal metadata the workflow needs, in one bbolt
// file. The server is its only user; the browser client never imports it.
//
// Promises:
//   - no plaintext: every content value (report, identity, release,
//     invitation envelope, key wrap, message, note, invitation, first
//     evidence chunk) must parse as a binary age file, else ErrInvalid;
//   - minimal metadata: the only other value shapes are CaseMeta, the
//     organisation config and signed directory (JSON owned by the server),
//     file headers, thread entry headers {author, time}, invitation records,
//     tombstones {lookup id, day}, pending-upload days, access log entries
//     {referent, minute, what}, the reader index and 8-byte counters.
//     None has a field for an IP address, a user agent, or a time finer than
//     a minute (thread entries) or a day (everything else). Item.Check
//     verifies exactly this for every value Walk shows;
//   - atomicity: each method is one bbolt transaction (CreateCase stores
//     meta, blobs, wraps, declared files and the invitation link together;
//     CreateCase and AddWraps keep the reader index with the wraps) or, for
//     CompleteFile and ReadFile, a series of short read transactions and at
//     most one write; a refused write changes nothing;
//   - durability: every write is fsynced before the method returns; writers
//     share transactions through bbolt's Batch, so every write function
//     derives its results from the transaction alone (Batch may run it
//     twice);
//   - quotas: byte counters per case and per organisation, kept in the same
//     transactions as the data (ErrQuota); an evidence file reserves its
//     declared maximum size at BeginFile and, once CompleteFile knows its
//     size, only that;
//   - bounded memory: evidence is stored and read in chunks of
//     MaxChunkSize, each read in its own short transaction; a client can
//     upload each chunk as it encrypts it, since the ciphertext's size and
//     SHA-256 are only needed at CompleteFile;
//   - set-once ciphertexts: blobs, wraps and chunks are never overwritten
//     with other bytes; thread entries are append-only; only DeleteCase
//     (retention) and DeleteFile (unfinished uploads) remove data, and
//     DeleteCase leaves a tombstone;
//   - traceability: LogAccess keeps, per case, who among the referents
//     fetched what and when (to the minute), for the case's readers to
//     see; it goes with the case when the case is deleted.
//
// Layout (SPEC.md has the byte-level form): a root "meta" bucket holds the
// schema version; a root "orgs" bucket holds one bucket per organisation.
// In it, "cases" maps lookup ids to CaseMeta JSON (flat, so listing and
// retention scans read metadata contiguously), and "content" holds one
// bucket per case with its blobs, wraps, threads, file headers and chunks
// (so a case's ciphertext is stored together and DeleteCase is one
// DeleteBucket). "invitations", "tombstones" and "pending" (incomplete
// uploads) are flat per organisation, and so is "readers", the index of
// the cases each reader holds a wrap of.
//
// Operations: Backup copies a consistent snapshot while writes go on.
// OpenReadOnly is for auditors; bbolt locks the file, so it needs the
// server stopped or a backup copy. Open migrates older layouts
// (SchemaVersion) and refuses newer ones (ErrNewerSchema).
package store
