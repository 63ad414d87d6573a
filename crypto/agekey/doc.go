// Package agekey gives Lanterne's other packages the age keys they need and
// nothing more: identities made at random or derived from a 32-byte seed,
// recipients parsed under the project's policy (post-quantum hybrid by
// default, classic X25519 only when asked for), and data sealed under a
// passphrase with age's scrypt recipient.
//
// Promises:
//   - the same seed and kind always give the same identity, and the identity's
//     string form is the one the reference age tool reads (AGE-SECRET-KEY-PQ-1…
//     or AGE-SECRET-KEY-1…), so anything Lanterne encrypts can be checked with
//     `age -d -i KEYFILE`;
//   - errors never contain key material;
//   - no I/O: callers hand in bytes and get bytes back.
package agekey
