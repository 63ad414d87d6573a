// Package casecode makes, shows, reads and derives from Lanterne's case codes.
//
// A case code is the only thing an anonymous reporter keeps. It is 18 symbols
// of Crockford base32 (0-9 and A-Z without I, L, O, U), shown as three groups
// of six, 7QM2DX-9HRT4P-3VNW84: 17 random symbols (85 bits from crypto/rand)
// and one check symbol. The same format serves witness invitation codes.
//
// Promises:
//   - Generate draws every random symbol from exactly five fresh random bits,
//     so all 32^17 bodies are equally likely;
//   - Parse accepts what a person retypes from paper or a phone (any case,
//     spaces, hyphens, dots, non-breaking spaces, O for 0, I and L for 1) and
//     refuses everything else with one of three distinguishable errors: a
//     CharError naming the position (ErrInvalidCharacter), ErrLength, or
//     ErrTypo when the check symbol does not match;
//   - every change of one symbol and every swap of two different neighbouring
//     symbols (the check symbol included) makes the check fail, so such a typo
//     is reported as ErrTypo and never reaches the server as another code;
//   - Derive is deterministic and domain-separated: the four secrets of a code
//     (lookup id, auth secret, reporter identity, identity key) differ from
//     each other, between organisations and between purposes (case,
//     invitation);
//   - no error ever contains the code or any part of it.
//
// The check symbol is error-detection arithmetic (a Damm check over GF(2^5)),
// not cryptography; the cryptography is Argon2id and HKDF-SHA-256 from
// golang.org/x/crypto and the standard library. docs/protocol.md, section 3
// ("Case codes and derivation"), gives the byte-level specification and a
// worked example.
package casecode
