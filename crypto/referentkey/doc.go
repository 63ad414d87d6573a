// Package referentkey makes, seals and reads a referent's key file: the age
// identity that opens the referent's wraps of case keys, and the Ed25519 key
// that signs the referent's messages.
//
// The key file is an age file sealed with a passphrase (age's scrypt
// recipient, via agekey.SealWithPassphrase). Its plaintext is a valid age
// identity file: three comment lines (format, referent id, Ed25519 seed) and
// the age secret key line. docs/protocol.md, section 5 ("Referent key
// file"), gives the bytes.
//
// Promises:
//   - Parse(Marshal(k, p, w), p) returns k, and nothing else opens the file
//     but the passphrase (agekey.ErrWrongPassphrase);
//   - the sealed file is a plain age file: `age -d` with the passphrase gives
//     the plaintext, and the reference tool takes the sealed file itself as
//     an identity file (`age -d -i referent.key`, asking for the passphrase),
//     because the plaintext is an age identity file;
//   - ParsePlaintext accepts only the exact bytes Marshal seals, and its errors
//     never contain key material;
//   - no I/O: callers hand in bytes and get bytes back; randomness comes from
//     crypto/rand.
package referentkey
