// Package envelope defines what Lanterne stores: every report, message,
// note, identity, identity release and witness invitation is one plaintext
// frame, padded to a size bucket, encrypted as one ordinary age file.
//
// The frame is "LNT1" | kind (1 byte) | payload length (uint32 big-endian) |
// payload | zero bytes up to the smallest bucket that holds it. Buckets are
// the powers of two from 1 KiB to 4 MiB, and each kind has its own maximum
// frame size (see Kind.MaxFrameSize). docs/protocol.md, section 7
// ("Envelopes"), gives the bytes, the JSON schemas and a worked example.
//
// Promises:
//   - Seal's output is a plain age file: the reference age tool decrypts it
//     to the frame, so anything Lanterne stores can be checked by hand;
//   - the length of a sealed envelope depends only on the recipients and on
//     the bucket of its frame, never on the exact length of the content;
//   - Unframe accepts exactly the frames Frame makes (one frame per kind and
//     payload) and refuses everything else with distinct errors: size not a
//     bucket, wrong magic, unknown kind, frame over its kind's maximum,
//     length past the end, non-zero padding, padding beyond the smallest
//     bucket;
//   - Open refuses an envelope whose frame is of another kind than the one
//     asked for, so a server cannot pass a message off as a report, a note as
//     a message, or a release as an identity;
//   - the JSON decoders are strict: unknown fields, duplicate keys, keys in
//     another case, trailing data and content that fails validation are
//     refused;
//   - a referent's message or note carries an Ed25519 signature over
//     "lanterne/v1/message\n" (or "lanterne/v1/note\n") and the exact JSON
//     bytes, and VerifyReferent refuses a bad or missing signature and a
//     message or note presented under another case id;
//   - errors never contain keys, codes or plaintext: they name fields and
//     positions, never values.
//
// What it does not promise: opening an envelope authenticates nothing.
// Anyone who knows a recipient can seal to it, so the server (or anyone
// holding the case's public key) can make a well-formed report, reporter
// message or invitation. Only a referent's signature, checked with
// VerifyReferent against the directory's verify key, tells a real referent
// message or note from a forged one. Callers must call VerifyReferent or
// VerifyParty on every opened message before showing it.
//
// The package is pure: no file or network I/O, no clock (times are fields
// the caller fills), randomness only from crypto/rand (through age and
// NewID). It imports only age, agekey and the standard library.
package envelope
