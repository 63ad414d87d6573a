// Package scrub removes metadata from a reporter's files on their own device,
// before the files are encrypted (package evidence): camera, GPS position,
// author, software, dates, comments, thumbnails and anything else that could
// identify the reporter and that the picture or document does not need.
//
// JPEG and PNG are scrubbed as streams, segment by segment and chunk by
// chunk, in constant memory (one 64 KiB buffer), keeping the pixels
// bit-for-bit: the compressed image data is copied verbatim. PDF needs random
// access and a full parser; it lives in the sub-package pdfscrub so that a
// browser build loads the (large) PDF code only when a PDF is chosen.
//
// What each scrubber keeps and drops is listed on JPEG and PNG, and
// byte-exactly in docs/protocol.md, section 9 ("Metadata scrubbing"). The
// rule is an allow list: only what decoders need
// to show the image faithfully (including colour: ICC profiles, Adobe
// transform, sRGB, gamma…) is kept; everything else is dropped, including
// data after the end of the image (the second picture of a multi-picture or
// "motion" photo). Each function returns a Report naming what was removed,
// so the interface can tell the user ("position GPS supprimée"), and whether
// an EXIF orientation was dropped (the picture may then show rotated).
//
// Other file types are passed through unchanged by Scrub with
// Report.Unscrubbed set, so the interface can warn that such a file may
// carry metadata.
//
// On error the output written so far is incomplete and must be discarded.
// Errors never quote the file's content. The package is pure: it reads src
// and writes dst, nothing else.
package scrub
