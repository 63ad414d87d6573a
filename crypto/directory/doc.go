// Package directory is an organisation's signed directory: who the
// organisation is, which routes it offers and which referents read each
// route, signed by the organisation's key chain, and the check a reporter's
// device runs before it encrypts anything to those referents.
//
// The organisation's first key is the root: the organisation's fingerprint,
// Fingerprint(orgID, root public key), is printed on posters and pinned by
// clients. Rotation appends a key endorsed by the current one; the last key
// of the chain signs the directory, and the chain travels in the directory,
// so the fingerprint never changes. The keys themselves live in package
// orgkey (a tink keyset), which only the admin tool imports: this package
// carries no tink code, so clients that only verify stay small.
//
// Promises:
//   - Verify accepts a signed directory only if its chain is rooted at the
//     pinned fingerprint, every link is endorsed, the last key signed these
//     exact directory bytes, the directory is well-formed (Check) and in
//     canonical JSON, its version is not below the last one seen and now lies
//     in its validity period; each refusal wraps a distinct exported error;
//   - only the org id and the key chain are read before the signature is
//     verified, and no more than MaxSignedSize bytes are read at all;
//   - signatures are plain Ed25519 (RFC 8032), checked with crypto/ed25519;
//   - Sign refuses a directory that Check refuses, so an organisation cannot
//     publish a directory its clients would reject as malformed, and checks
//     the signature it was given before returning it;
//   - no I/O, no clock reads (time is passed in), no randomness; errors
//     never contain key material.
//
// docs/protocol.md, section 4 ("Organisation directory"), gives the exact
// bytes that are hashed and signed.
package directory
