// Package orgkey is the organisation's signing key, for the admin tool that
// publishes the directory: a tink-go keyset of Ed25519 keys with no output
// prefix (plain RFC 8032 signatures), the key chain that links every key to
// the root the fingerprint names, rotation, and the private keyset sealed
// under a passphrase.
//
// It is apart from package directory so that clients, which only verify,
// do not carry tink and protobuf (about 9 MB of WebAssembly).
//
// Promises:
//   - the chain always passes directory.CheckChain; Rotate adds a key
//     endorsed by the current one and never changes the fingerprint;
//   - Sign refuses what directory.Check refuses, signs with the last key of
//     the chain only, and what it returns passes directory.Verify for the
//     organisation's fingerprint while the directory is valid;
//   - the private keyset leaves tink only inside MarshalPrivate, sealed with
//     age scrypt together with its chain; UnmarshalPrivate refuses a keyset
//     and chain that do not belong together;
//   - no I/O, no clock reads, randomness from crypto/rand (through tink);
//     errors never contain key material.
package orgkey
