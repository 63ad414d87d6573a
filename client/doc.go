// Package client is the Lanterne library of the reporter's browser (built
// for GOOS=js GOARCH=wasm), the command-line tool and the referent's
// workstation. It speaks the server's HTTP API (package server/api) and does
// all encryption and decryption in the caller's process: the server only
// ever receives ciphertext, sizes and hashes of ciphertext, and the minimal
// metadata of api.NewCase.
//
// # Trust
//
// Everything starts from a Pin: the organisation's id and fingerprint, as
// printed on posters, and the highest directory version seen.
// Client.Directory verifies the signed directory against it
// (directory.Verify with the client's clock) and raises the pin's version;
// the caller stores the pin. Nothing is encrypted to a referent who is not in
// a directory verified this way, and referents' signatures are checked with
// the verify keys of that directory.
//
// # Reporter
//
// Client.Submit makes a case on the device: a fresh case code, the secrets
// derived from it (casecode), the case key wrapped to the referents the
// directory's routing selects and to the reporter (casekey), the sealed
// report, identity and identity release (envelope). The case key's public
// recipient never leaves the device, so the server cannot encrypt to it.
// The files come next, over a session opened with the code's auth secret.
//
// If Submit fails after the server stored the case, it returns the Receipt
// of what was stored together with the error: the interface must still show
// the case code (Receipt.Code), which is the reporter's only way back.
//
// Client.OpenCase opens an existing case from its code (ReporterCase):
// status, own report, messages, replies, read receipts, more files,
// identity release or refusal, and for a witness an invitation for the
// presumed victim (ReporterCase.Invite, Client.ReadInvitation,
// Client.Redeem, which creates the victim's own thread with reader
// "victim").
//
// # Files: one mechanism at submission and later
//
// A file is read once, in constant memory: its type is detected from its
// first bytes (scrub.Detect); JPEG and PNG are scrubbed as a stream through
// an io.Pipe into evidence.EncryptFrom; a PDF is scrubbed by
// Client.PDFScrubber when set (package pdfscrub, left out of browser builds
// that do not need it) or else sent unscrubbed, and the receipt says so
// (ReceiptItem.Scrub.Unscrubbed). The ciphertext is uploaded chunk by chunk
// as the encryptor emits it: POST .../files declares the file with an upper
// bound of its ciphertext size (MaxCiphertextSize of the plaintext size),
// each PUT .../chunks/{n} is retried up to three times after a network
// failure or a 5xx answer (the server accepts an exact repeat), and POST
// .../complete gives the exact size and SHA-256.
//
// The server never learns a file's name or type. Every file, whether sent
// with the report or later, is announced by a message of kind
// evidence_added, encrypted to the case key, carrying its
// envelope.EvidenceItem: name, media type, scrubbed size, plaintext and
// ciphertext SHA-256 and ciphertext size. The report's own evidence list
// stays empty. Referents learn the files from those messages
// (EvidenceItems) and check each download against its item.
//
// # Referent
//
// Client.Login signs the server's challenge with the referent's Ed25519
// key (ReferentSession). ReferentSession.Open unwraps the case keys with the
// referent's age identity and opens the report and, once released, the
// identity (ReferentCase). A referent replies, asks for the identity and
// moves the case through its statuses with signed messages
// (status_notice carries the written acknowledgement, feedback and closure
// notices), downloads files (ReferentCase.Download: nothing it wrote may be
// trusted before it returns nil), keeps staff notes under the staff key,
// hands a case over and removes a referent by key rotation.
//
// # What a message's Verified means
//
// A referent's message is Verified when its signature checks with the
// directory's verify key of its author, it names this case and the server
// labelled it with the same author. A reporter's or victim's message is not
// signed: it is Verified when it names this case, has the author the server
// labelled it with, and opens with a trusted generation of the case key.
// Messages failing any check are returned with Verified false and Err set,
// never silently dropped and never shown as genuine; a message whose id was
// already seen is dropped (replay).
//
// # Key generations
//
// Wraps are not authenticated: anyone can wrap a key of their own to a
// reader's public recipient. A device therefore trusts, for new content and
// for unsigned messages, only: generation 1 of the case key (made by the
// reporter's device; for a referent, the generation the report opens
// with), and a generation g > 1 announced by a verified, signed referent
// message of kind key_rotation whose key_rotation field names g and the
// recipient of the generation the device unwrapped (docs/protocol.md §7.6,
// §11.2). Only that kind announces a case-key generation: a status_notice
// is never read as one, whatever its body.
//
// The staff-key announcement: the staff key is referents only and has no
// generation trusted by construction. Notes have no key_rotation field, so
// each staff-key generation, the first included, is announced by a verified
// signed note, sealed to that generation, whose body is exactly
// "key-rotation:<g>:<recipient>" (g a decimal number ≥ 1, recipient the
// generation's age recipient string); the device trusts g only if the
// staff generation it unwrapped has that recipient.
//
// When rotating, the reporter's recipient is taken from the server's case
// metadata (api.CaseStatus.ReporterRecipient); the device cannot check it.
//
// # Limits
//
// Every answer is size-limited; errors from the server are *APIError.
// Errors never contain codes, keys or plaintext.
package client
