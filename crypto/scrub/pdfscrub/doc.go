// Package pdfscrub removes document metadata from PDF files, with pdfcpu.
//
// It is a separate package from scrub because pdfcpu adds about 7 MiB to a
// WebAssembly build: a browser can load this code only when the reporter
// picks a PDF.
//
// A PDF needs random access (its cross-reference table is at the end) and is
// parsed whole in memory, so input is limited to MaxSize bytes. It is parsed
// with pdfcpu.Read and written with pdfcpu.WriteContext, not through pdfcpu's
// api package and validator, which would add another 8 MiB to the browser
// build; a file pdfcpu cannot parse or write is refused (ErrNotPDF), and a
// panic inside pdfcpu is turned into ErrNotPDF too.
//
// Removed: the document information dictionary (Title, Author, Subject,
// Keywords, Creator, Producer, dates, custom keys), the catalog's XMP
// Metadata stream, every page's Metadata stream, the catalog's and pages'
// PieceInfo (private application data), and the file identifier (replaced
// by a fresh one). The file is rewritten from its object graph, so objects
// nothing refers to any more, including earlier revisions kept by
// incremental updates, are not written.
//
// pdfcpu always writes a new information dictionary holding only
// Producer ("pdfcpu vX"), CreationDate and ModDate set to the time of
// scrubbing; this is pdfcpu's clock read, not this package's, and the time is
// that of the upload, which the recipients know anyway.
//
// Not removed: text, annotations (whose /T entry often names their author),
// form fields, embedded files, metadata inside embedded images or fonts.
// Encrypted PDFs are refused (ErrEncrypted): they cannot be rewritten
// without their password.
package pdfscrub
