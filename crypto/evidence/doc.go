// Package evidence encrypts a reporter's files (photos, documents, recordings)
// for upload, and checks them on the way back.
//
// A file's plaintext, already scrubbed of metadata (package scrub), is
// encrypted with [age.Encrypt] to the case key: one ordinary age file (age
// STREAM, 64 KiB plaintext chunks), so the reference age tool decrypts it. The
// ciphertext is cut into upload chunks of exactly [ChunkSize] bytes, the last
// one shorter (never empty), numbered from 0, each with its SHA-256. The
// ciphertext's size and SHA-256, with the plaintext's, make the [Summary] that
// the reporter's device puts in the manifest of the (encrypted) report or
// message. The server sees ciphertext, its size and its hashes only.
//
// Promises:
//
//   - Constant memory: [Encryptor], [EncryptFrom] and [Decrypt] hold one
//     upload chunk and one age chunk at a time, whatever the file size.
//   - The concatenation of the chunks, in index order, is exactly the age file.
//   - [Decrypt] returns io.EOF only after checking the ciphertext's size and
//     SHA-256 and the plaintext's against the manifest; any difference is an
//     error wrapping [ErrMismatch]. age already authenticates every plaintext
//     chunk under the file key; the manifest check catches a server that
//     delivers another file encrypted to the same (public) case key.
//   - [ChunkVerifier] lets the server check an upload without any key: chunk
//     order, sizes, each chunk's SHA-256, the whole ciphertext's size and
//     SHA-256, and idempotent retries of a chunk.
//   - Errors never contain plaintext, key material or hashes.
//
// The package is pure: no file or network I/O, no clock; randomness comes from
// age (crypto/rand).
package evidence
