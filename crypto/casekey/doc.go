// Package casekey makes and hands out the keys of one case.
//
// Each case has a case key, an age identity made on the reporter's device
// (hybrid ML-KEM-768 + X25519 unless the directory says x25519), numbered by
// generation from 1; content is encrypted to the current generation. A
// second key, the staff key, is for referents only (notes, orientation,
// action plans). A key reaches a reader as a Wrap: its secret string,
// age-encrypted to the reader's recipient together with a binding to the
// case id, the role and the generation (docs/protocol.md §6.2 gives the
// bytes).
//
// Promises:
//   - Unwrap returns a key only if the binding inside the wrap names the case
//     id the caller asked for and the role and generation the wrap is
//     presented with, so a server cannot pass case A's key off as case B's, a
//     staff key as the case key, or one generation as another (ErrBinding);
//   - the staff key is never wrapped to the reporter or the victim, and a
//     hybrid key is never wrapped to a classic (X25519) recipient;
//   - SelectReaders applies the conflict routing of the design notes and
//     never returns an excluded referent; a case with nobody to read it fails
//     before anything is encrypted;
//   - Rewrap (handover) gives a new referent every generation without
//     re-encrypting content; Rotate (removal) makes a new generation that the
//     removed referent is not given, and leaves older content as it was;
//   - errors never contain key material or plaintext; the package does no
//     I/O and takes its randomness from crypto/rand.
//
// What it does not promise: a wrap says nothing about who made it. Anyone who
// knows a reader's recipient (a referent's is public in the directory) can
// make a well-formed wrap of a key of their own for any case id, role and
// generation. OpenKeyring refuses two different keys for the same role and
// generation (ErrConflict), but a forged newer generation is accepted as
// Current. Callers must authenticate new generations out of band, e.g. by a
// message signed by the referent who rotated, naming the new recipient.
package casekey
